package kernels

import "github.com/albertq/albertq/quant"

func roundHalf(x float32) float32 { return quant.FromHalf(quant.ToHalf(x)) }
