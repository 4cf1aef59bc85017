package albertq_test

import (
	"fmt"
	"log"

	"github.com/albertq/albertq"
	"github.com/albertq/albertq/engine"
)

// Open a Hugging Face checkpoint directory as downloaded, or the int8 .albq
// file that `albertq convert` made from it: the same classifier either way.
func ExampleOpen() {
	for _, path := range []string{"testdata/albert-debsec", "cmd/albertq/models/debsec.albq"} {
		mod, err := albertq.Open(path, engine.Options{})
		if err != nil {
			log.Fatal(err)
		}
		results, err := mod.Classify([]string{"a multiplayer first-person shooter with network play"}, 1)
		mod.Close()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(path, "→", results[0].Labels[0].Label)
	}
	// Output:
	// testdata/albert-debsec → games
	// cmd/albertq/models/debsec.albq → games
}
