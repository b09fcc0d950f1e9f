package corpus_test

import (
	"crypto/sha256"
	"encoding/hex"
)

func sha16(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:16]
}
