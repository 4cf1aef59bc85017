package kernels

import "github.com/albertq/albertq/internal/half"

func roundHalf(x float32) float32 { return half.ToFloat32(half.FromFloat32(x)) }
