package engine_test

import (
	"fmt"
	"log"

	"github.com/albertq/albertq"
	"github.com/albertq/albertq/engine"
)

// Classify a text with a fine-tuned checkpoint directory, as downloaded.
func ExampleModel_Classify() {
	mod, err := albertq.Open("../testdata/albert-debsec", engine.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	results, err := mod.Classify([]string{"a multiplayer first-person shooter with network play"}, 2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(results[0].Labels[0].Label)
	// Output: games
}

// Predict a masked word with an int8 .albq file made by `albertq convert`.
func ExampleModel_FillMask() {
	mod, err := albertq.Open("../cmd/albertq/models/debsec-mlm.albq", engine.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	masks, err := mod.FillMask("perl [MASK] to parse configuration files", 3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(masks[0].Candidates[0].Token)
	// Output: module
}

// Turn texts into unit-length sentence vectors.
func ExampleModel_Embed() {
	mod, err := albertq.Open("../testdata/albert-debsec", engine.Options{Threads: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	embeddings, err := mod.Embed([]string{"an image editor", "a photo retouching tool"}, engine.PoolMean, true)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(embeddings), len(embeddings[0].Vector))
	// Output: 2 256
}

// Run the encoder on token ids and read the hidden states of each sequence.
func ExampleModel_Run() {
	mod, err := albertq.Open("../testdata/albert-tiny", engine.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	out, err := mod.Run([]engine.Sequence{
		{IDs: []int{2, 13, 416, 455, 3}},
		{IDs: []int{2, 228, 79, 3}},
	})
	if err != nil {
		log.Fatal(err)
	}
	h := mod.Config().HiddenSize
	for s := range 2 {
		fmt.Printf("sequence %d: %d tokens × %d\n", s, out.Offsets[s+1]-out.Offsets[s], h)
	}
	fmt.Println("logits per sequence:", out.LogitsWidth)
	// Output:
	// sequence 0: 5 tokens × 64
	// sequence 1: 4 tokens × 64
	// logits per sequence: 3
}

// Find the answer to a question in a context with a question-answering
// checkpoint (testdata/albert-tiny-qa has random weights, so its answers are
// not meaningful, but the machinery is the real one).
func ExampleModel_Answer() {
	mod, err := albertq.Open("../testdata/albert-tiny-qa", engine.Options{Threads: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	context := "My name is Wolfgang and I live in Berlin."
	answers, err := mod.Answer("Where does Wolfgang live?", context, engine.AnswerOptions{TopK: 2})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range answers {
		fmt.Printf("%q at bytes %d to %d\n", a.Text, a.Start, a.End)
	}
	// Output:
	// "Wolfgang" at bytes 11 to 19
	// "is Wolfgang" at bytes 8 to 19
}

// Tag the tokens of a text and group them into entities by their IOB
// labels (testdata/albert-tiny-tagger: random weights, labels O, B-PER,
// I-PER, B-LOC, I-LOC).
func ExampleModel_Tag() {
	mod, err := albertq.Open("../testdata/albert-tiny-tagger", engine.Options{Threads: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	tags, err := mod.Tag([]string{"Anna met Bob in Oslo."}, engine.TagOptions{Aggregation: engine.AggregateFirst})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range tags[0].Entities {
		fmt.Printf("%s %q [%d, %d)\n", e.Label, e.Word, e.Start, e.End)
	}
	// Output:
	// LOC "Anna" [0, 4)
	// PER "Bob" [9, 12)
	// PER "in" [13, 15)
}
