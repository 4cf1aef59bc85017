package tokenizer

import "sort"

// pieceTrie is a byte trie over vocabulary pieces, used to find every piece
// that starts at a given position of the normalized text. Node 0 is the root;
// its children sit in a direct 256-entry table, other nodes keep their
// children as a sorted run of edges.
type pieceTrie struct {
	root  [256]int32
	nodes []trieNode
	edges []trieEdge
}

type trieNode struct {
	id          int32 // piece id ending here, or -1
	first, size int32 // children: edges[first : first+size]
}

type trieEdge struct {
	label byte
	child int32
}

// newPieceTrie builds the trie for the given piece → id entries.
func newPieceTrie(entries map[string]int) *pieceTrie {
	keys := make([]string, 0, len(entries))
	for k := range entries {
		if k != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	t := &pieceTrie{}
	for i := range t.root {
		t.root[i] = -1
	}
	t.nodes = append(t.nodes, trieNode{id: -1})
	t.build(0, keys, 0, entries)
	return t
}

// build adds the children of node: keys all share their first depth bytes and
// are sorted, so each child owns a contiguous run of them. Edges for a node
// are written before recursing, keeping them contiguous.
func (t *pieceTrie) build(node int32, keys []string, depth int, entries map[string]int) {
	type run struct {
		label byte
		keys  []string
	}
	var runs []run
	for len(keys) > 0 {
		if len(keys[0]) == depth {
			t.nodes[node].id = int32(entries[keys[0]])
			keys = keys[1:]
			continue
		}
		c := keys[0][depth]
		n := 1
		for n < len(keys) && keys[n][depth] == c {
			n++
		}
		runs = append(runs, run{c, keys[:n]})
		keys = keys[n:]
	}
	first := int32(len(t.edges))
	for _, r := range runs {
		child := int32(len(t.nodes))
		t.nodes = append(t.nodes, trieNode{id: -1})
		t.edges = append(t.edges, trieEdge{r.label, child})
		if node == 0 {
			t.root[r.label] = child
		}
	}
	t.nodes[node].first, t.nodes[node].size = first, int32(len(runs))
	for i, r := range runs {
		t.build(t.edges[first+int32(i)].child, r.keys, depth+1, entries)
	}
}

// child returns the child of node labelled c, or -1.
func (t *pieceTrie) child(node int32, c byte) int32 {
	if node == 0 {
		return t.root[c]
	}
	n := t.nodes[node]
	lo, hi := n.first, n.first+n.size
	for lo < hi {
		mid := int32(uint32(lo+hi) >> 1)
		if t.edges[mid].label < c {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < n.first+n.size && t.edges[lo].label == c {
		return t.edges[lo].child
	}
	return -1
}

// longestMatch returns the byte length of the longest piece that is a prefix
// of s, or 0.
func (t *pieceTrie) longestMatch(s string) int {
	best := 0
	node := int32(0)
	for i := 0; i < len(s); i++ {
		if node = t.child(node, s[i]); node < 0 {
			break
		}
		if t.nodes[node].id >= 0 {
			best = i + 1
		}
	}
	return best
}
