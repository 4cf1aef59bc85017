package tokenizer

import "sort"

// pieceTrie is a byte trie over vocabulary pieces, used to find every piece
// that starts at a given position of the normalized text. Node 0 is the root.
// A node with many children (the root, "▁", common prefixes) looks them up in
// a dense 256-entry table; others scan a short run of edges.
type pieceTrie struct {
	nodes []trieNode
	edges []trieEdge
	dense [][256]int32
}

// denseMin is the child count from which a node gets a dense table.
const denseMin = 8

type trieNode struct {
	id          int32   // piece id ending here, or -1
	first, size int32   // children: edges[first : first+size]
	dense       int32   // index into dense, or -1
	score       float64 // the search score of piece id, kept here for locality
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
	t.nodes = append(t.nodes, trieNode{id: -1, dense: -1})
	// Each task is a node whose keys all share their first depth bytes. Keys
	// are sorted, so each child owns a contiguous run of them. A node's edges
	// are written together, keeping them contiguous. Nodes are numbered
	// breadth first, so the short prefixes the search visits most share
	// cache lines; the queue also keeps long pieces from recursing deeply.
	type task struct {
		node  int32
		keys  []string
		depth int
	}
	queue := []task{{0, keys, 0}}
	for q := 0; q < len(queue); q++ {
		tk := queue[q]
		queue[q] = task{}
		keys, depth := tk.keys, tk.depth
		first := int32(len(t.edges))
		for len(keys) > 0 {
			if len(keys[0]) == depth {
				t.nodes[tk.node].id = int32(entries[keys[0]])
				keys = keys[1:]
				continue
			}
			c := keys[0][depth]
			n := 1
			for n < len(keys) && keys[n][depth] == c {
				n++
			}
			child := int32(len(t.nodes))
			t.nodes = append(t.nodes, trieNode{id: -1, dense: -1})
			t.edges = append(t.edges, trieEdge{c, child})
			queue = append(queue, task{child, keys[:n], depth + 1})
			keys = keys[n:]
		}
		t.setChildren(tk.node, first)
	}
	return t
}

// setChildren records that node's children are edges[first:], adding a
// dense table when there are many.
func (t *pieceTrie) setChildren(node, first int32) {
	edges := t.edges[first:]
	t.nodes[node].first, t.nodes[node].size = first, int32(len(edges))
	if len(edges) < denseMin {
		return
	}
	var table [256]int32
	for i := range table {
		table[i] = -1
	}
	for _, e := range edges {
		table[e.label] = e.child
	}
	t.nodes[node].dense = int32(len(t.dense))
	t.dense = append(t.dense, table)
}

// child returns the child of node labelled c, or -1.
func (t *pieceTrie) child(node int32, c byte) int32 {
	n := &t.nodes[node]
	if n.dense >= 0 {
		return t.dense[n.dense][c]
	}
	for _, e := range t.edges[n.first : n.first+n.size] {
		if e.label == c {
			return e.child
		}
	}
	return -1
}

// longestMatch returns the byte length and id of the longest piece that is
// a prefix of s, or 0 and -1.
func (t *pieceTrie) longestMatch(s string) (length, id int) {
	id = -1
	node := int32(0)
	for i := 0; i < len(s); i++ {
		if node = t.child(node, s[i]); node < 0 {
			break
		}
		if nd := t.nodes[node].id; nd >= 0 {
			length, id = i+1, int(nd)
		}
	}
	return length, id
}
