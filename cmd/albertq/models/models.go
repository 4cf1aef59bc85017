// Package models holds albertq's default models as bytes compiled into the
// program: int8 .albq files converted with `albertq convert` from two ALBERTs
// trained with transformers on Debian package descriptions (the classifier's
// checkpoint is testdata/albert-debsec). The CLI uses them when a command gets
// no --model; other programs (the Beam example's workers) open them with
// engine.OpenBytes and need no model file.
package models

import _ "embed"

// Debsec tells a Debian package's section from its description.
//
//go:embed debsec.albq
var Debsec []byte

// DebsecMLM is Debsec's masked-LM parent, for fill-mask.
//
//go:embed debsec-mlm.albq
var DebsecMLM []byte
