package main

import "github.com/albertq/albertq/cmd/albertq/models"

// defaultModel names an embedded model for a command's help and errors.
type defaultModel struct {
	name string
	data []byte
}

// The default models, used when a command gets no --model (package models).
var (
	classifierDefault = defaultModel{"debsec (embedded: Debian package sections)", models.Debsec}
	maskedLMDefault   = defaultModel{"debsec-mlm (embedded: masked LM of Debian package descriptions)", models.DebsecMLM}
	// noDefault is for commands whose heads no embedded model has.
	noDefault = defaultModel{"none: required", nil}
)
