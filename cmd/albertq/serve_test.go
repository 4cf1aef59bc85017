//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestServeHelperProcess is not a test: it runs `albertq serve` with the
// arguments in ALBERTQ_SERVE_HELPER, for tests that need the server as a
// process of its own (signals, exit codes).
func TestServeHelperProcess(t *testing.T) {
	args := os.Getenv("ALBERTQ_SERVE_HELPER")
	if args == "" {
		t.Skip("runs only as a helper process")
	}
	os.Exit(mainExit(append([]string{"serve"}, strings.Fields(args)...), os.Stdout, os.Stderr))
}

// logLine is one line of the server's JSON log.
type logLine struct {
	Msg    string
	Addr   string
	Path   string
	Status int
}

// SIGTERM in the middle of a load: the server stops accepting, answers
// every request it has accepted, and exits 0. One request is held in flight
// across the signal, its body half sent, so the test never depends on how
// fast the other requests happen to be.
func TestServeFinishesAcceptedRequestsOnSIGTERM(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeHelperProcess$")
	cmd.Env = append(os.Environ(), "ALBERTQ_SERVE_HELPER=--addr 127.0.0.1:0 --json-output --threads 1 --drain-timeout 10m")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	shuttingDown := make(chan struct{})
	var lines []logLine
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var l logLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Errorf("not a JSON log line: %q", sc.Text())
				continue
			}
			switch l.Msg {
			case "listening":
				addr <- l.Addr
			case shutdownMsg:
				close(shuttingDown)
			}
			lines = append(lines, l)
		}
	}()
	host := <-addr
	url := "http://" + host + "/embed"

	const clients = 4
	var mu sync.Mutex
	answered := 0
	loaded := make(chan struct{})
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; ; round++ {
				texts := []string{fmt.Sprintf("client %d round %d: an image converter", c, round)} // small: the purego build runs this too
				body, _ := json.Marshal(map[string]any{"inputs": texts})
				resp, err := http.Post(url, "application/json", strings.NewReader(string(body)))
				if err != nil {
					return // the server has stopped accepting
				}
				var vectors [][]float32
				err = json.NewDecoder(resp.Body).Decode(&vectors)
				resp.Body.Close()
				if resp.StatusCode != 200 || err != nil || len(vectors) != len(texts) {
					t.Errorf("client %d: status %d, %d vectors, %v", c, resp.StatusCode, len(vectors), err)
					return
				}
				mu.Lock()
				answered++
				if answered == 2*clients {
					close(loaded)
				}
				mu.Unlock()
			}
		}()
	}

	// The held request: headers and half its body before the signal, the
	// rest once the server says it is shutting down.
	<-loaded
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"inputs": ["held across the signal"]}`
	half := len(body) / 2
	fmt.Fprintf(conn, "POST /embed HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", host, len(body), body[:half])
	time.Sleep(200 * time.Millisecond) // the server reads the headers: the connection is active
	cmd.Process.Signal(syscall.SIGTERM)
	<-shuttingDown
	io.WriteString(conn, body[half:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight at SIGTERM got no answer: %v", err)
	}
	var vectors [][]float32
	err = json.NewDecoder(resp.Body).Decode(&vectors)
	resp.Body.Close()
	if resp.StatusCode != 200 || err != nil || len(vectors) != 1 {
		t.Errorf("the request in flight at SIGTERM: status %d, %d vectors, %v", resp.StatusCode, len(vectors), err)
	}
	mu.Lock()
	answered++
	mu.Unlock()

	wg.Wait()
	<-logDone // before Wait, which closes the pipe the log is read from
	err = cmd.Wait()
	if err != nil {
		t.Fatalf("the server exited with %v, want 0", err)
	}
	logged, afterSignal, shutdown := 0, 0, false
	for _, l := range lines {
		switch {
		case l.Msg == shutdownMsg:
			shutdown = true
		case l.Msg == "request" && l.Path == "/embed":
			if l.Status != 200 {
				t.Errorf("the server answered %d", l.Status)
			}
			logged++
			if shutdown {
				afterSignal++
			}
		}
	}
	t.Logf("%d requests answered, %d of them after SIGTERM", answered, afterSignal)
	if logged != answered || !shutdown || lines[len(lines)-1].Msg != "stopped" {
		t.Errorf("the server answered %d requests, the clients got %d; shutdown logged %v, last line %q", logged, answered, shutdown, lines[len(lines)-1].Msg)
	}
	if afterSignal == 0 {
		t.Errorf("no request was logged after the shutdown began: the held request is missing")
	}
}

// shutdownMsg is what the server logs when SIGTERM arrives.
const shutdownMsg = "shutting down: finishing the requests in flight"
