package modelfile

import "fmt"

// Open maps the .albq file at path read-only and returns its model, after
// verifying the checksum and validating the structure. The tensors are views
// onto the mapping, not copies (so they must not be written to); Model.Close
// unmaps it. On platforms without mmap the file is read into memory once.
func Open(path string) (*Model, error) {
	return OpenWith(path, OpenOptions{})
}

// OpenWith is Open with options.
func OpenWith(path string, opts OpenOptions) (*Model, error) {
	data, release, err := mapFile(path)
	if err != nil {
		return nil, fmt.Errorf("open model: %w", err)
	}
	m, err := decode(data, !opts.SkipVerify)
	if err != nil {
		release()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m.close = release
	return m, nil
}

// Verify checks the .albq file at path: its checksum and its whole structure.
func Verify(path string) error {
	m, err := Open(path)
	if err != nil {
		return err
	}
	return m.Close()
}
