// Command verify_receipt checks a receipt with Go's golang.org/x/mod/sumdb/note and tlog.
//
//	go run verify_receipt.go RECEIPT.json KEY.txt   (KEY.txt: the text of /public/key)
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type receipt struct {
	Seq            int64   `json:"seq"`
	Entry          *string `json:"entry"` // null once the body was erased lawfully
	Commitment     string  `json:"commitment"`
	Checkpoint     string  `json:"checkpoint"`
	InclusionProof struct {
		Index int64    `json:"index"`
		Size  int64    `json:"size"`
		Proof []string `json:"proof"`
	} `json:"inclusion_proof"`
}

func hash(text string) (h tlog.Hash) {
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(raw) != len(h) {
		fail("not a base64 SHA-256 hash: %q", text)
	}
	copy(h[:], raw)
	return h
}

func fail(format string, args ...any) {
	fmt.Printf("FAIL "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	key, err := os.ReadFile(os.Args[2])
	if err != nil {
		fail("%v", err)
	}
	var r receipt
	if err := json.Unmarshal(raw, &r); err != nil {
		fail("receipt: %v", err)
	}
	// 1. The commitment C = SHA-256(entry bytes).
	c := hash(r.Commitment)
	if r.Entry != nil {
		entry, err := base64.StdEncoding.DecodeString(*r.Entry)
		if err != nil || tlog.Hash(sha256.Sum256(entry)) != c {
			fail("the entry's bytes do not match the commitment")
		}
	}
	// 2. The log's signature (note.Open also checks the key ID); witnesses' lines are kept.
	verifier, err := note.NewVerifier(strings.TrimSpace(string(key)))
	if err != nil {
		fail("key: %v", err)
	}
	n, err := note.Open([]byte(r.Checkpoint), note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint is not of the log %s", verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size != r.InclusionProof.Size || r.InclusionProof.Index != r.Seq {
		fail("checkpoint size %q does not match the proof", lines[1])
	}
	// 3. The inclusion proof of leaf SHA-256(0x00 || C) to the checkpoint's root.
	var proof tlog.RecordProof
	for _, p := range r.InclusionProof.Proof {
		proof = append(proof, hash(p))
	}
	if err := tlog.CheckRecord(proof, size, hash(lines[2]), r.Seq, tlog.RecordHash(c[:])); err != nil {
		fail("inclusion proof: %v", err)
	}
	fmt.Printf("ok   entry %d is in %s at size %d\n", r.Seq, verifier.Name(), size)
}
