package main

import _ "embed"

// The default models, used when a command gets no --model: int8 .albq files
// converted with `albertq convert` from two ALBERTs trained with transformers
// on Debian package descriptions (the classifier's checkpoint is
// testdata/albert-debsec; see the README).
var (
	// debsec tells a Debian package's section from its description.
	//go:embed models/debsec.albq
	debsecModel []byte
	// debsecMLM is its masked-LM parent, for fill-mask.
	//go:embed models/debsec-mlm.albq
	debsecMLMModel []byte
)

// defaultModel names an embedded model for a command's help and errors.
type defaultModel struct {
	name string
	data []byte
}

var (
	classifierDefault = defaultModel{"debsec (embedded: Debian package sections)", debsecModel}
	maskedLMDefault   = defaultModel{"debsec-mlm (embedded: masked LM of Debian package descriptions)", debsecMLMModel}
)
