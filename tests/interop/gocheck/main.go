// Command gocheck is an independent interoperability checker for the
// integrity service's public transparency log.
//
// It reads the server's public HTTP contract (DESIGN.md section 3) and
// verifies everything with golang.org/x/mod/sumdb/note and
// golang.org/x/mod/sumdb/tlog, an implementation that shares no code with
// the server:
//
//   - GET /public/key: the verifier key, parsed with note.NewVerifier;
//   - GET /public/checkpoint: the latest C2SP signed checkpoint, opened with
//     note.Open (the log's own signature must verify, unknown cosigners are
//     tolerated);
//   - GET /public/checkpoints: every historical checkpoint, each note opened
//     and its size and root compared with the JSON fields;
//   - GET /public/proof/inclusion: inclusion proofs for a spread of indices,
//     checked with tlog.CheckRecord;
//   - GET /public/proof/consistency: consistency proofs between consecutive
//     checkpoints and from each checkpoint to the latest, checked with
//     tlog.CheckTree;
//   - GET /public/tlog/checkpoint and /public/tlog/tile/...: the C2SP
//     tlog-tiles view (with -tiles). Tiles are requested at the paths
//     Go's tlog.Tile.Path computes (without its height element, "data" read
//     as "entries"), authenticated against the checkpoint by
//     tlog.TileHashReader, which also yields the tree hash and inclusion
//     proofs; every entry bundle's commitments must hash to the level-0 tile.
//
// Usage:
//
//	gocheck -url http://127.0.0.1:8080 [-samples 8] [-seed 0] [-timeout 30s] [-tiles]
//
// It prints one line per check and ends with "gocheck: N checks passed"
// (exit status 0) or a failure summary (exit status 1). Usage errors exit 2.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// maxBody bounds every response body read from the server.
const maxBody = 64 << 20

// checkpoint is a parsed and signature-verified C2SP checkpoint.
type checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
	Note   string
}

type checker struct {
	base   string
	client *http.Client
	passed int
	failed int
}

func (c *checker) ok(format string, args ...any) {
	c.passed++
	fmt.Printf("ok   %s\n", fmt.Sprintf(format, args...))
}

func (c *checker) fail(err error, format string, args ...any) {
	c.failed++
	fmt.Printf("FAIL %s: %v\n", fmt.Sprintf(format, args...), err)
}

// check records one check: pass if err is nil, failure otherwise.
// It reports whether the check passed.
func (c *checker) check(err error, format string, args ...any) bool {
	if err != nil {
		c.fail(err, format, args...)
		return false
	}
	c.ok(format, args...)
	return true
}

// get fetches base+path (with query) and returns the body of a 200 response.
func (c *checker) get(path string, query url.Values) ([]byte, error) {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	resp, err := c.client.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: reading body: %w", u, err)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("GET %s: body larger than %d bytes", u, maxBody)
	}
	if resp.StatusCode != http.StatusOK {
		snippet := string(body)
		if len(snippet) > 200 {
			snippet = snippet[:200] + "..."
		}
		return nil, fmt.Errorf("GET %s: HTTP %d: %q", u, resp.StatusCode, snippet)
	}
	return body, nil
}

// getJSON fetches a JSON document into v.
func (c *checker) getJSON(path string, query url.Values, v any) error {
	body, err := c.get(path, query)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: bad JSON: %w", path, err)
	}
	return nil
}

// decodeHash decodes a standard (padded) base64 SHA-256 hash.
func decodeHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return h, fmt.Errorf("bad base64 hash %q: %w", s, err)
	}
	if len(b) != len(h) {
		return h, fmt.Errorf("hash %q is %d bytes, want %d", s, len(b), len(h))
	}
	copy(h[:], b)
	return h, nil
}

func decodeHashes(list []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, 0, len(list))
	for i, s := range list {
		h, err := decodeHash(s)
		if err != nil {
			return nil, fmt.Errorf("proof[%d]: %w", i, err)
		}
		out = append(out, h)
	}
	return out, nil
}

// parseSize parses a canonical non-negative decimal (no sign, no leading zeros).
func parseSize(s string) (int64, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("tree size %q is not a canonical decimal", s)
	}
	return strconv.ParseInt(s, 10, 64)
}

// openCheckpoint verifies a signed note with the log's verifier and parses
// its checkpoint body: origin, decimal size and base64 root, one per line.
// tlog.ParseTree is not used: it expects the go.sum database header.
func openCheckpoint(msg []byte, v note.Verifier) (*checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return nil, fmt.Errorf("note.Open: %w", err)
	}
	signed := false
	for _, s := range n.Sigs {
		if s.Name == v.Name() && s.Hash == v.KeyHash() {
			signed = true
		}
	}
	if !signed {
		return nil, errors.New("note not signed by the log key")
	}
	lines := strings.SplitAfter(n.Text, "\n")
	// SplitAfter leaves a final "" after the trailing newline.
	if len(lines) < 4 {
		return nil, fmt.Errorf("checkpoint body has %d lines, want at least 3", len(lines)-1)
	}
	for i := 0; i < 3; i++ {
		if !strings.HasSuffix(lines[i], "\n") {
			return nil, fmt.Errorf("checkpoint line %d not newline-terminated", i+1)
		}
		lines[i] = strings.TrimSuffix(lines[i], "\n")
	}
	origin := lines[0]
	if origin == "" {
		return nil, errors.New("checkpoint origin line is empty")
	}
	if origin != v.Name() {
		return nil, fmt.Errorf("checkpoint origin %q differs from key name %q", origin, v.Name())
	}
	size, err := parseSize(lines[1])
	if err != nil {
		return nil, err
	}
	root, err := decodeHash(lines[2])
	if err != nil {
		return nil, fmt.Errorf("checkpoint root: %w", err)
	}
	return &checkpoint{Origin: origin, Size: size, Root: root, Note: string(msg)}, nil
}

type jsonCheckpoint struct {
	Size *int64  `json:"size"`
	Root *string `json:"root"`
	Note *string `json:"note"`
}

type inclusionResponse struct {
	Index    *int64   `json:"index"`
	Size     *int64   `json:"size"`
	LeafHash *string  `json:"leaf_hash"`
	Proof    []string `json:"proof"`
}

type consistencyResponse struct {
	OldSize *int64   `json:"old_size"`
	Size    *int64   `json:"size"`
	Proof   []string `json:"proof"`
}

// emptyRoot is the RFC 6962 hash of the empty tree, SHA-256 of nothing.
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

// inclusion fetches and checks an inclusion proof of leaf index in the tree cp.
// It returns the leaf hash the server reported.
func (c *checker) inclusion(index int64, cp *checkpoint) (tlog.Hash, error) {
	var r inclusionResponse
	q := url.Values{"index": {strconv.FormatInt(index, 10)}, "size": {strconv.FormatInt(cp.Size, 10)}}
	if err := c.getJSON("/public/proof/inclusion", q, &r); err != nil {
		return tlog.Hash{}, err
	}
	if r.Index == nil || r.Size == nil || r.LeafHash == nil || r.Proof == nil {
		return tlog.Hash{}, errors.New("response lacks index, size, leaf_hash or proof")
	}
	if *r.Index != index || *r.Size != cp.Size {
		return tlog.Hash{}, fmt.Errorf("response is for index=%d size=%d", *r.Index, *r.Size)
	}
	leaf, err := decodeHash(*r.LeafHash)
	if err != nil {
		return tlog.Hash{}, fmt.Errorf("leaf_hash: %w", err)
	}
	proof, err := decodeHashes(r.Proof)
	if err != nil {
		return tlog.Hash{}, err
	}
	if err := tlog.CheckRecord(tlog.RecordProof(proof), cp.Size, cp.Root, index, leaf); err != nil {
		return tlog.Hash{}, fmt.Errorf("tlog.CheckRecord (%d hashes): %w", len(proof), err)
	}
	return leaf, nil
}

// consistency fetches and checks a consistency proof from old to cur.
func (c *checker) consistency(old, cur *checkpoint) error {
	if old.Size > cur.Size {
		return fmt.Errorf("old size %d exceeds size %d", old.Size, cur.Size)
	}
	if old.Size == cur.Size {
		if old.Root != cur.Root {
			return fmt.Errorf("two roots for size %d: %s and %s", old.Size, old.Root, cur.Root)
		}
		return nil
	}
	if old.Size == 0 {
		// Every tree extends the empty tree; there is no proof to fetch.
		return nil
	}
	var r consistencyResponse
	q := url.Values{"old": {strconv.FormatInt(old.Size, 10)}, "size": {strconv.FormatInt(cur.Size, 10)}}
	if err := c.getJSON("/public/proof/consistency", q, &r); err != nil {
		return err
	}
	if r.OldSize == nil || r.Size == nil || r.Proof == nil {
		return errors.New("response lacks old_size, size or proof")
	}
	if *r.OldSize != old.Size || *r.Size != cur.Size {
		return fmt.Errorf("response is for old_size=%d size=%d", *r.OldSize, *r.Size)
	}
	proof, err := decodeHashes(r.Proof)
	if err != nil {
		return err
	}
	if err := tlog.CheckTree(tlog.TreeProof(proof), cur.Size, cur.Root, old.Size, old.Root); err != nil {
		return fmt.Errorf("tlog.CheckTree (%d hashes): %w", len(proof), err)
	}
	return nil
}

// sampleIndices returns the first, middle and last index of a tree of size n
// plus up to samples pseudo-random ones, sorted and without duplicates.
func sampleIndices(n int64, samples int, rng *rand.Rand) []int64 {
	if n <= 0 {
		return nil
	}
	set := map[int64]bool{0: true, n / 2: true, n - 1: true}
	for i := 0; i < samples && int64(len(set)) < n; i++ {
		set[rng.Int63n(n)] = true
	}
	out := make([]int64, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (c *checker) run(samples int, rng *rand.Rand, tiles bool) {
	// 1. The verifier key.
	keyBody, err := c.get("/public/key", nil)
	if err != nil {
		c.fail(err, "fetch /public/key")
		return
	}
	vkey := strings.TrimSpace(string(keyBody))
	verifier, err := note.NewVerifier(vkey)
	if !c.check(err, "note.NewVerifier(/public/key) name=%q", vkeyName(vkey)) {
		return
	}

	// 2. Historical checkpoints (fetched first, so the latest is at least as new).
	var list struct {
		Checkpoints []jsonCheckpoint `json:"checkpoints"`
	}
	var history []*checkpoint
	if err := c.getJSON("/public/checkpoints", nil, &list); err != nil {
		c.fail(err, "fetch /public/checkpoints")
	} else if list.Checkpoints == nil {
		c.fail(errors.New(`no "checkpoints" array`), "fetch /public/checkpoints")
	} else {
		c.ok("fetch /public/checkpoints: %d checkpoints", len(list.Checkpoints))
		for i, jc := range list.Checkpoints {
			cp, err := c.historical(jc, verifier)
			if c.check(err, "checkpoints[%d] note verifies and matches JSON size/root", i) {
				history = append(history, cp)
			}
		}
		for i := 1; i < len(history); i++ {
			if history[i].Size < history[i-1].Size {
				c.fail(fmt.Errorf("size %d after %d", history[i].Size, history[i-1].Size),
					"checkpoints oldest first")
				break
			}
		}
	}

	// 3. The latest checkpoint.
	cpBody, err := c.get("/public/checkpoint", nil)
	if err != nil {
		c.fail(err, "fetch /public/checkpoint")
		return
	}
	latest, err := openCheckpoint(cpBody, verifier)
	if !c.check(err, "note.Open(/public/checkpoint) signed by %s", verifier.Name()) {
		return
	}
	fmt.Printf("info latest checkpoint: origin=%q size=%d root=%s\n", latest.Origin, latest.Size, latest.Root)
	if latest.Size == 0 {
		c.check(sameHash(latest.Root, emptyRoot), "latest empty tree root is SHA-256(\"\")")
	}
	for i, cp := range history {
		if cp.Size > latest.Size {
			c.fail(fmt.Errorf("size %d > latest %d", cp.Size, latest.Size),
				"checkpoints[%d] not newer than /public/checkpoint", i)
		} else if cp.Size == 0 {
			c.check(sameHash(cp.Root, emptyRoot), "checkpoints[%d] empty tree root is SHA-256(\"\")", i)
		}
	}

	// 4. Inclusion proofs against the latest tree.
	leaves := map[int64]tlog.Hash{}
	for _, idx := range sampleIndices(latest.Size, samples, rng) {
		leaf, err := c.inclusion(idx, latest)
		if c.check(err, "inclusion index=%d size=%d", idx, latest.Size) {
			leaves[idx] = leaf
		}
	}

	// 5. Inclusion of each historical checkpoint's last leaf in that tree and
	// in the latest tree; both proofs must name the same leaf hash.
	for i, cp := range history {
		if cp.Size == 0 || cp.Size >= latest.Size {
			continue // nothing to prove, out of order, or already proved above
		}
		idx := cp.Size - 1
		leaf, err := c.inclusion(idx, cp)
		if !c.check(err, "inclusion index=%d size=%d (checkpoints[%d])", idx, cp.Size, i) {
			continue
		}
		want, seen := leaves[idx]
		if !seen {
			want, err = c.inclusion(idx, latest)
			if !c.check(err, "inclusion index=%d size=%d", idx, latest.Size) {
				continue
			}
			leaves[idx] = want
		}
		c.check(sameHash(leaf, want), "leaf %d has the same hash in trees of size %d and %d",
			idx, cp.Size, latest.Size)
	}

	// 6. Consistency: consecutive checkpoints, then each checkpoint to the latest.
	for i := 1; i < len(history); i++ {
		a, b := history[i-1], history[i]
		if a.Size > b.Size {
			continue // already reported as out of order
		}
		c.check(c.consistency(a, b), "consistency old=%d size=%d (checkpoints[%d]->[%d])",
			a.Size, b.Size, i-1, i)
	}
	for i, cp := range history {
		if cp.Size > latest.Size {
			continue
		}
		c.check(c.consistency(cp, latest), "consistency old=%d size=%d (checkpoints[%d]->latest)",
			cp.Size, latest.Size, i)
	}

	// 7. The C2SP tlog-tiles view of the same tree.
	if tiles {
		c.tiles(latest, verifier, samples, rng)
	}
}

// historical verifies one entry of /public/checkpoints.
func (c *checker) historical(jc jsonCheckpoint, v note.Verifier) (*checkpoint, error) {
	if jc.Size == nil || jc.Root == nil || jc.Note == nil {
		return nil, errors.New("entry lacks size, root or note")
	}
	cp, err := openCheckpoint([]byte(*jc.Note), v)
	if err != nil {
		return nil, err
	}
	if cp.Size != *jc.Size {
		return nil, fmt.Errorf("note size %d, JSON size %d", cp.Size, *jc.Size)
	}
	root, err := decodeHash(*jc.Root)
	if err != nil {
		return nil, fmt.Errorf("JSON root: %w", err)
	}
	if root != cp.Root {
		return nil, fmt.Errorf("note root %s, JSON root %s", cp.Root, root)
	}
	return cp, nil
}

func sameHash(got, want tlog.Hash) error {
	if !bytes.Equal(got[:], want[:]) {
		return fmt.Errorf("got %s, want %s", got, want)
	}
	return nil
}

func vkeyName(vkey string) string {
	name, _, _ := strings.Cut(vkey, "+")
	return name
}

// tileReader fetches C2SP tiles from the server for tlog.TileHashReader.
type tileReader struct {
	c       *checker
	fetched int
}

// c2spPath turns Go's "tile/8/L/N[.p/W]" (or "tile/8/data/...") into the
// C2SP path "tile/L/N[.p/W]" (or "tile/entries/...").
func c2spPath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", t.H))
	if strings.HasPrefix(p, "data/") {
		p = "entries/" + strings.TrimPrefix(p, "data/")
	}
	return "tile/" + p
}

func (r *tileReader) Height() int { return 8 }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		body, err := r.c.get("/public/tlog/"+c2spPath(t), nil)
		if err != nil {
			return nil, err
		}
		r.fetched++
		out[i] = body
	}
	return out, nil
}

func (r *tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// splitBundle parses a C2SP entry bundle: big-endian uint16 length-prefixed entries.
func splitBundle(b []byte) ([][]byte, error) {
	var entries [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("bundle ends inside a length prefix")
		}
		n := int(b[0])<<8 | int(b[1])
		if len(b) < 2+n {
			return nil, errors.New("bundle ends inside an entry")
		}
		entries = append(entries, b[2:2+n])
		b = b[2+n:]
	}
	return entries, nil
}

// tiles checks the tlog-tiles view against the latest checkpoint.
func (c *checker) tiles(latest *checkpoint, verifier note.Verifier, samples int, rng *rand.Rand) {
	body, err := c.get("/public/tlog/checkpoint", nil)
	if err != nil {
		c.fail(err, "fetch /public/tlog/checkpoint")
		return
	}
	cp, err := openCheckpoint(body, verifier)
	if !c.check(err, "note.Open(/public/tlog/checkpoint)") {
		return
	}
	if !c.check(sameHash(cp.Root, latest.Root), "tlog checkpoint has the latest root (size %d)", cp.Size) ||
		cp.Size != latest.Size || cp.Size == 0 {
		return
	}
	reader := &tileReader{c: c}
	hr := tlog.TileHashReader(tlog.Tree{N: cp.Size, Hash: cp.Root}, reader)
	th, err := tlog.TreeHash(cp.Size, hr)
	if err == nil {
		err = sameHash(th, cp.Root)
	}
	c.check(err, "tlog.TreeHash from tiles equals the checkpoint root (%d tiles)", reader.fetched)
	for _, idx := range sampleIndices(cp.Size, samples, rng) {
		proof, err := tlog.ProveRecord(cp.Size, idx, hr)
		var leaf []tlog.Hash
		if err == nil {
			leaf, err = hr.ReadHashes([]int64{tlog.StoredHashIndex(0, idx)})
		}
		if err == nil {
			err = tlog.CheckRecord(proof, cp.Size, cp.Root, idx, leaf[0])
		}
		c.check(err, "inclusion from tiles index=%d size=%d", idx, cp.Size)
	}
	bundles := (cp.Size + 255) / 256
	for n := int64(0); n < bundles; n++ {
		w := 256
		if (n+1)*256 > cp.Size {
			w = int(cp.Size - n*256)
		}
		t := tlog.Tile{H: 8, L: -1, N: n, W: w}
		c.check(c.bundle(t, hr), "entry bundle %s holds the commitments of the level-0 tile", c2spPath(t))
	}
}

// bundle checks that every entry of one bundle is a 32-byte commitment whose
// RFC 6962 record hash is the authenticated leaf hash.
func (c *checker) bundle(t tlog.Tile, hr tlog.HashReader) error {
	body, err := c.get("/public/tlog/"+c2spPath(t), nil)
	if err != nil {
		return err
	}
	entries, err := splitBundle(body)
	if err != nil {
		return err
	}
	if len(entries) != t.W {
		return fmt.Errorf("%d entries, want %d", len(entries), t.W)
	}
	indexes := make([]int64, t.W)
	for i := range indexes {
		indexes[i] = tlog.StoredHashIndex(0, t.N*256+int64(i))
	}
	leaves, err := hr.ReadHashes(indexes)
	if err != nil {
		return err
	}
	for i, e := range entries {
		if len(e) != 32 {
			return fmt.Errorf("entry %d is %d bytes, not a 32-byte commitment", i, len(e))
		}
		if tlog.RecordHash(e) != leaves[i] {
			return fmt.Errorf("entry %d does not hash to the leaf hash", i)
		}
	}
	return nil
}

func main() {
	base := flag.String("url", "", "base URL of the log server, e.g. http://127.0.0.1:8080")
	samples := flag.Int("samples", 8, "number of pseudo-random leaf indices to prove")
	seed := flag.Int64("seed", 0, "seed for the random indices (0: time-based)")
	timeout := flag.Duration("timeout", 30*time.Second, "timeout of each HTTP request")
	tiles := flag.Bool("tiles", false, "also check the C2SP tlog-tiles view under /public/tlog/")
	flag.Parse()
	if *base == "" || flag.NArg() != 0 || *samples < 0 {
		fmt.Fprintln(os.Stderr, "usage: gocheck -url http://HOST:PORT [-samples N] [-seed S] [-timeout D] [-tiles]")
		os.Exit(2)
	}
	if *seed == 0 {
		*seed = time.Now().UnixNano()
	}
	fmt.Printf("gocheck: url=%s samples=%d seed=%d\n", *base, *samples, *seed)

	c := &checker{
		base:   strings.TrimRight(*base, "/"),
		client: &http.Client{Timeout: *timeout},
	}
	c.run(*samples, rand.New(rand.NewSource(*seed)), *tiles)

	if c.failed > 0 || c.passed == 0 {
		fmt.Printf("gocheck: %d of %d checks FAILED\n", c.failed, c.failed+c.passed)
		os.Exit(1)
	}
	fmt.Printf("gocheck: %d checks passed\n", c.passed)
}
