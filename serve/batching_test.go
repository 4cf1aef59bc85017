package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// devTexts are the first n texts of debsec's dev set: real descriptions of
// many lengths, from a few tokens to more than the model takes.
func devTexts(t testing.TB, n int) []string {
	f, err := os.Open("../testdata/albert-debsec/dev.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() && len(texts) < n {
		var line struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, line.Text)
	}
	return texts
}

// metricValue reads one sample's value from a /metrics answer.
func metricValue(t testing.TB, ts *testServer, name string) float64 {
	t.Helper()
	body := ts.do(t, "GET", "/metrics", "", nil).body
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return 0
}

// tinyInt8 is albert-tiny quantized to int8 as convert does: the int8
// kernels' path at a size that even the purego build runs quickly.
func tinyInt8(t testing.TB) *engine.Model {
	src, err := convert.ReadCheckpoint(tinyPath)
	if err != nil {
		t.Fatal(err)
	}
	q, err := quant.QuantizeModel(src, modelfile.I8, false)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := engine.New(q, engine.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mod.Close() })
	return mod
}

// 64 clients at once, with texts of different lengths, get exactly what
// each text gives run alone, though the server runs them in shared passes.
func TestConcurrentClientsGetWhatEachTextGivesAlone(t *testing.T) {
	mod := tinyInt8(t)
	ts := serveModel(t, mod, Options{AutoTruncate: true}, nil)
	const clients = 64
	texts := devTexts(t, clients+2)
	for i, text := range texts { // 2 to 41 words: lengths that differ, and a quick test
		words := strings.Fields(text)
		texts[i] = strings.Join(words[:min(len(words), 2+i*7%40)], " ")
	}
	alone := make([][]float32, len(texts))
	classes := make([]engine.Classification, len(texts))
	for i, text := range texts {
		alone[i] = embedAlone(t, mod, text)
		c, err := mod.Classify([]string{text}, 0)
		if err != nil {
			t.Fatal(err)
		}
		classes[i] = c[0]
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			mine := texts[c : c+1+c%3] // one to three texts a request
			var got [][]float32
			ts.post(t, "/embed", jsonOf(map[string]any{"inputs": mine})).decode(t, &got)
			for i := range mine {
				if !sameFloats(got[i], alone[c+i]) {
					t.Errorf("client %d, text %d: the vector differs from the text's alone", c, c+i)
				}
			}
			var preds []prediction
			ts.post(t, "/predict", jsonOf(map[string]any{"inputs": texts[c]})).decode(t, &preds)
			for i, l := range classes[c].Labels {
				if preds[i].Label != l.Label || preds[i].Score != l.Prob {
					t.Errorf("client %d: %v, alone %v", c, preds[i], l)
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	passes, inputs := metricValue(t, ts, "albertq_batch_inputs_count"), metricValue(t, ts, "albertq_batch_inputs_sum")
	t.Logf("%g inputs in %g forward passes", inputs, passes)
	if passes >= inputs {
		t.Errorf("%g inputs ran in %g passes: nothing was batched", inputs, passes)
	}
}

// residentBytes is the process's RSS (Linux), or 0 where /proc has none.
func residentBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// Far more concurrent requests than the queue holds get only 200s and
// 429s (with Retry-After and TEI's body), memory stays bounded, /health
// answers throughout, and no admission permit is left behind.
func TestOverloadAnswers429(t *testing.T) {
	mod := tinyInt8(t)
	ts := serveModel(t, mod, Options{MaxConcurrentRequests: 16, MaxClientBatchSize: 8, AutoTruncate: true}, nil)
	clients, rounds := 256, 2
	if testing.Short() {
		clients, rounds = 96, 1
	}
	texts := devTexts(t, 8)
	for i, text := range texts {
		texts[i] = strings.Join(strings.Fields(text)[:8], " ")
	}
	body := jsonOf(map[string]any{"inputs": texts})
	runtime.GC()
	before := residentBytes()
	var peak int64
	stop := make(chan struct{})
	var watch sync.WaitGroup
	watch.Add(1)
	go func() { // /health and RSS while the storm lasts
		defer watch.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if r := ts.do(t, "GET", "/health", "", nil); r.status != 200 {
				t.Errorf("/health during overload: %d", r.status)
			}
			peak = max(peak, residentBytes())
		}
	}()
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				r := ts.post(t, "/embed", body)
				mu.Lock()
				statuses[r.status]++
				mu.Unlock()
				if r.status == http.StatusTooManyRequests {
					kind, msg := apiErrorOf(t, r)
					if r.header.Get("Retry-After") == "" || kind != "Overloaded" || msg != "Model is overloaded" {
						t.Errorf("429 without Retry-After or TEI's body: %v %s", r.header, r.body)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	watch.Wait()
	t.Logf("statuses %v; RSS %d MB before, %d MB at most during", statuses, before>>20, peak>>20)
	if len(statuses) != 2 || statuses[200] == 0 || statuses[429] == 0 {
		t.Errorf("statuses %v: want only 200 and 429, some of each", statuses)
	}
	if before > 0 && peak-before > 256<<20 {
		t.Errorf("RSS grew by %d MB under overload", (peak-before)>>20)
	}
	if r := ts.do(t, "GET", "/health", "", nil); r.status != 200 {
		t.Errorf("/health after overload: %d", r.status)
	}
	ts.post(t, "/embed", body).decode(t, &[][]float32{})
	if held := ts.admit.held; held != 0 {
		t.Errorf("%d admission permits still held after every answer", held)
	}
}

// gatedRun wraps a model's passes: each waits for the gate to open, every
// pass's sequences and options are recorded, and a pass holding the token
// id poison panics.
type gatedRun struct {
	mod     *engine.Model
	poison  int
	entered chan struct{} // a token for each pass started
	gate    chan struct{}
	mu      sync.Mutex
	seen    [][]int
	opts    []engine.RunOptions // each pass's
}

func newGatedRun(mod *engine.Model, poison int) *gatedRun {
	return &gatedRun{mod: mod, poison: poison, entered: make(chan struct{}, 1000), gate: make(chan struct{})}
}

func (g *gatedRun) run(seqs []engine.Sequence, opts engine.RunOptions) (*engine.Output, error) {
	g.entered <- struct{}{}
	<-g.gate
	g.mu.Lock()
	for _, s := range seqs {
		g.seen = append(g.seen, s.IDs)
	}
	g.opts = append(g.opts, opts)
	g.mu.Unlock()
	for _, s := range seqs {
		if slices.Contains(s.IDs, g.poison) {
			panic("a poisoned input")
		}
	}
	return g.mod.RunWith(seqs, opts)
}

// holdLoops sends one request for each of the server's batching loops and
// waits until each holds one at the gate: what comes next stays queued.
func holdLoops(t *testing.T, ts *testServer, g *gatedRun) []<-chan reply {
	var held []<-chan reply
	for range ts.batcher.loops {
		held = append(held, ts.postAsync(t, context.Background(), "/embed", `{"inputs": "an image editor"}`))
		<-g.entered
	}
	return held
}

// waitQueued waits until n inputs wait in the batcher's queue.
func waitQueued(t *testing.T, b *batcher, n int) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		b.mu.Lock()
		queued := len(b.queue)
		b.mu.Unlock()
		if queued == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d inputs queued, want %d", queued, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// postAsync sends a request in the background; its answer arrives on the
// channel.
func (ts *testServer) postAsync(t *testing.T, ctx context.Context, path, body string) <-chan reply {
	done := make(chan reply, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.url+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- reply{status: -1, body: []byte(err.Error())}
			return
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		done <- reply{resp.StatusCode, resp.Header, data}
	}()
	return done
}

// A client that disconnects while its inputs wait has them dropped: they
// never run, and their permits come back.
func TestDisconnectDropsQueuedInputs(t *testing.T) {
	mod := openModel(t, debsecPath)
	g := newGatedRun(mod, -1)
	ts := serveModel(t, mod, Options{}, g.run)
	held := holdLoops(t, ts, g)
	ctx, hangUp := context.WithCancel(context.Background())
	gone := ts.postAsync(t, ctx, "/embed", `{"inputs": [[2, 4242, 4343, 3]]}`)
	waitQueued(t, ts.batcher, 1)
	hangUp()
	if r := <-gone; r.status != -1 {
		t.Fatalf("the cancelled request got an answer: %d", r.status)
	}
	time.Sleep(50 * time.Millisecond) // let the server see the closed connection
	close(g.gate)
	for _, first := range held {
		if r := <-first; r.status != 200 {
			t.Fatalf("first request: %d %s", r.status, r.body)
		}
	}
	ts.post(t, "/embed", `{"inputs": "a text after the others"}`).decode(t, &[][]float32{})
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, ids := range g.seen {
		if slices.Contains(ids, 4242) {
			t.Errorf("the disconnected client's input ran")
		}
	}
	if held := ts.admit.held; held != 0 {
		t.Errorf("%d admission permits still held", held)
	}
}

// A pass that panics on one request's input fails that request alone: the
// others batched with it get their answers.
func TestPanicFailsOnlyItsRequest(t *testing.T) {
	mod := openModel(t, debsecPath)
	const poison = 7777
	g := newGatedRun(mod, poison)
	ts := serveModel(t, mod, Options{}, g.run)
	held := holdLoops(t, ts, g)
	bad := ts.postAsync(t, context.Background(), "/embed", jsonOf(map[string]any{"inputs": [][]int{{2, poison, 3}}}))
	waitQueued(t, ts.batcher, 1)
	good := map[string]<-chan reply{}
	for _, text := range someTexts {
		good[text] = ts.postAsync(t, context.Background(), "/embed", jsonOf(map[string]any{"inputs": text}))
	}
	waitQueued(t, ts.batcher, 1+len(someTexts))
	close(g.gate)
	for _, first := range held {
		<-first
	}
	r := <-bad
	if kind, msg := apiErrorOf(t, r); r.status != 500 || kind != "Internal" || !strings.Contains(msg, "poisoned") {
		t.Errorf("poisoned request: %d %s %q, want 500 naming the panic", r.status, kind, msg)
	}
	for text, ch := range good {
		var got [][]float32
		(<-ch).decode(t, &got)
		if !sameFloats(got[0], embedAlone(t, mod, text)) {
			t.Errorf("%q: wrong vector after the failed pass", text)
		}
	}
	if !bytes.Equal(ts.do(t, "GET", "/health", "", nil).body, nil) || ts.admit.held != 0 {
		t.Errorf("after the panic: unhealthy, or %d permits held", ts.admit.held)
	}
}

// Each batching loop takes its share of the queued tokens, shared among the
// loops not running a pass, in queue order: 64 queued texts become two
// passes of 32 on two loops, and a loop alone takes all (up to maxTokens).
func TestLoopsShareTheQueue(t *testing.T) {
	b := &batcher{loops: 2, maxTokens: 16384, admit: &admission{limit: 512}, metrics: newMetrics()}
	queue := func(lengths ...int) {
		for _, n := range lengths {
			b.queue = append(b.queue, &item{ctx: context.Background(), seq: engine.Sequence{IDs: make([]int, n)}, index: len(b.queue)})
		}
	}
	tokens := func(batch []*item) (n int) {
		for _, it := range batch {
			n += len(it.seq.IDs)
		}
		return n
	}
	for range 64 {
		queue(7)
	}
	first := b.take()
	b.passes++
	second := b.take()
	if len(first) != 32 || len(second) != 32 || second[0].index != 32 || len(b.queue) != 0 {
		t.Errorf("64 texts on 2 free loops: passes of %d and %d, %d left", len(first), len(second), len(b.queue))
	}
	queue(100, 5, 5, 5, 5) // one loop busy: the other takes all
	if got := b.take(); len(got) != 5 {
		t.Errorf("one free loop took %d of 5 inputs", len(got))
	}
	b.passes = 0
	queue(100, 5, 5, 5, 5) // 60 tokens each: the long input fills a share alone
	if got := b.take(); len(got) != 1 || tokens(got) != 100 {
		t.Errorf("first loop took %d inputs (%d tokens), want the 100-token one alone", len(got), tokens(got))
	}
	b.queue, b.maxTokens = nil, 30
	queue(5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5)
	if got := tokens(b.take()); got != 30 {
		t.Errorf("a share of 100 tokens bounded by maxTokens 30: took %d", got)
	}
}

// A pass of inputs that need only hidden states (embeddings) leaves out the
// pooler and the head; a pass that also holds an input needing them (a
// prediction) runs them, and every input gets the rows it gives alone.
func TestPassesLeaveOutUnusedHeads(t *testing.T) {
	mod := tinyInt8(t)
	g := newGatedRun(mod, -1)
	b := newBatcher(g.run, 1, 16384, &admission{limit: 512}, newMetrics())
	defer b.close()
	enc, err := mod.Encode("a music player with playlists", "")
	if err != nil {
		t.Fatal(err)
	}
	seq := engine.Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs}
	alone, err := mod.Run([]engine.Sequence{seq})
	if err != nil {
		t.Fatal(err)
	}
	submit := func(hiddenOnly bool) <-chan result {
		done, err := b.submit(context.Background(), []engine.Sequence{seq}, hiddenOnly)
		if err != nil {
			t.Fatal(err)
		}
		return done
	}
	first := submit(true)
	<-g.entered // the loop holds the first embedding: the next two queue
	embedding, prediction := submit(true), submit(false)
	waitQueued(t, b, 2)
	close(g.gate)
	firstOut, embedOut, predictOut := <-first, <-embedding, <-prediction
	if len(g.opts) != 2 || !g.opts[0].HiddenOnly || g.opts[1].HiddenOnly {
		t.Fatalf("passes ran with %+v; want HiddenOnly for the embedding alone, not for the pass with the prediction", g.opts)
	}
	if firstOut.out.Pooled != nil || firstOut.out.Logits != nil {
		t.Errorf("the embedding's pass computed the pooler or the head")
	}
	w := alone.LogitsWidth
	if !sameFloats(predictOut.out.Logits[predictOut.row*w:(predictOut.row+1)*w], alone.Logits) {
		t.Errorf("the prediction's logits differ from its input's alone")
	}
	h := mod.Config().HiddenSize
	for _, r := range []result{firstOut, embedOut, predictOut} {
		if !sameFloats(r.out.Hidden[r.out.Offsets[r.row]*h:r.out.Offsets[r.row+1]*h], alone.Hidden) {
			t.Errorf("hidden states of row %d differ from the input's alone", r.row)
		}
	}
}
