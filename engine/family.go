package engine

import (
	"fmt"
	"strings"

	"github.com/albertq/albertq/modelfile"
)

// family is what sets one model family's encoder apart from another's,
// stated as data: where its layers' weights are and what they are called,
// whether they are shared, and the names of its pooler and heads. ALBERT,
// BERT and DistilBERT run the same layer (post-LN attention and FFN);
// MobileBERT adds bottlenecks around it (see mobileLayer).
type family struct {
	// layerPrefix names the weights of layer inner of group g; ALBERT's
	// layers are shared (num_hidden_groups groups of inner_group_num
	// layers), the others have one group per layer.
	layerPrefix func(g, inner int) string
	shared      bool
	layer       layerNames
	// embProjection is ALBERT's E→H projection of the factorized
	// embeddings ("" for the others).
	embProjection string
	heads         headNames
}

// layerNames are the names of a layer's Linears and norms, after its
// prefix.
type layerNames struct {
	query, key, value, attnOut, attnNorm, ffn, ffnOut, outNorm string
}

// headNames are a family's names for its pooler ("" when it has none) and
// its heads' weights.
type headNames struct {
	pooler string
	// preClassifier is DistilBERT's Linear + ReLU between the first
	// token's hidden state and the sequence classifier.
	preClassifier                          string
	mlmDense, mlmNorm, mlmDecoder, mlmBias string
}

var families = map[string]*family{
	modelfile.ALBERT: {
		layerPrefix: func(g, inner int) string {
			return fmt.Sprintf("encoder.albert_layer_groups.%d.albert_layers.%d.", g, inner)
		},
		shared: true,
		layer: layerNames{query: "attention.query", key: "attention.key", value: "attention.value",
			attnOut: "attention.dense", attnNorm: "attention.LayerNorm", ffn: "ffn", ffnOut: "ffn_output",
			outNorm: "full_layer_layer_norm"},
		embProjection: "encoder.embedding_hidden_mapping_in",
		heads: headNames{pooler: "pooler", mlmDense: "predictions.dense", mlmNorm: "predictions.LayerNorm",
			mlmDecoder: "predictions.decoder", mlmBias: "predictions.bias"},
	},
	modelfile.BERT: {
		layerPrefix: func(g, _ int) string { return fmt.Sprintf("encoder.layer.%d.", g) },
		layer:       bertLayerNames,
		heads: headNames{pooler: "pooler.dense", mlmDense: "cls.predictions.transform.dense",
			mlmNorm: "cls.predictions.transform.LayerNorm", mlmDecoder: "cls.predictions.decoder",
			mlmBias: "cls.predictions.bias"},
	},
	modelfile.DistilBERT: {
		layerPrefix: func(g, _ int) string { return fmt.Sprintf("transformer.layer.%d.", g) },
		layer: layerNames{query: "attention.q_lin", key: "attention.k_lin", value: "attention.v_lin",
			attnOut: "attention.out_lin", attnNorm: "sa_layer_norm", ffn: "ffn.lin1", ffnOut: "ffn.lin2",
			outNorm: "output_layer_norm"},
		heads: headNames{preClassifier: "pre_classifier", mlmDense: "vocab_transform", mlmNorm: "vocab_layer_norm",
			mlmDecoder: "vocab_projector", mlmBias: "vocab_projector.bias"},
	},
	modelfile.MobileBERT: {
		layerPrefix: func(g, _ int) string { return fmt.Sprintf("encoder.layer.%d.", g) },
		layer:       bertLayerNames,
		// The masked LM's decoder is stored joined (convert's
		// joinMobileBERTDecoder), so the head is BERT's, H wide.
		heads: headNames{pooler: "pooler.dense", mlmDense: "cls.predictions.transform.dense",
			mlmNorm: "cls.predictions.transform.LayerNorm", mlmDecoder: "cls.predictions.decoder",
			mlmBias: "cls.predictions.bias"},
	},
}

var bertLayerNames = layerNames{query: "attention.self.query", key: "attention.self.key", value: "attention.self.value",
	attnOut: "attention.output.dense", attnNorm: "attention.output.LayerNorm", ffn: "intermediate.dense",
	ffnOut: "output.dense", outNorm: "output.LayerNorm"}

// groups is the number of layer groups and of layers in each: ALBERT's
// shared groups, or one group per layer.
func (f *family) groups(c *modelfile.Config) (groups, inner int) {
	if f.shared {
		return c.NumHiddenGroups, c.InnerGroupNum
	}
	return c.NumHiddenLayers, 1
}

// task is the head an architecture puts on the encoder: its class name
// without the family's prefix ("ForSequenceClassification", "Model", ...).
func task(c *modelfile.Config) string {
	arch := c.Architecture()
	for _, prefix := range []string{"MobileBert", "DistilBert", "Albert", "Bert"} {
		if rest, ok := strings.CutPrefix(arch, prefix); ok {
			return rest
		}
	}
	return arch
}
