package wecomkf

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Callback crypto of WeCom (企业微信 "加解密方案说明", the WXBizMsgCrypt scheme):
//   - msg_signature = hex(sha1(sort(token, timestamp, nonce, encrypt) joined));
//   - the AES key is base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC with IV = key[:16];
//   - PKCS#7 padding to a multiple of 32 bytes;
//   - plaintext = 16 random bytes | 4-byte big-endian length | message | receiveid (the corp id).

// errSignature is a callback whose msg_signature does not match: not from WeCom.
var errSignature = errors.New("wecomkf: callback signature mismatch")

// crypter checks and decrypts callbacks for one corp.
type crypter struct {
	token     string
	key       []byte
	receiveID string
}

// newCrypter checks the EncodingAESKey (43 base64 characters) and returns a crypter.
func newCrypter(token, encodingAESKey, corpID string) (*crypter, error) {
	if token == "" {
		return nil, errors.New("wecomkf: callback token is empty")
	}
	if len(encodingAESKey) != 43 {
		return nil, fmt.Errorf("wecomkf: EncodingAESKey has %d characters, want 43", len(encodingAESKey))
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("wecomkf: EncodingAESKey is not valid base64 of 32 bytes")
	}
	return &crypter{token: token, key: key, receiveID: corpID}, nil
}

// signature computes msg_signature for the given fields.
func (c *crypter) signature(timestamp, nonce, encrypt string) string {
	parts := []string{c.token, timestamp, nonce, encrypt}
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// open checks the signature over encrypt and returns the decrypted message.
func (c *crypter) open(signature, timestamp, nonce, encrypt string) ([]byte, error) {
	want := c.signature(timestamp, nonce, encrypt)
	if subtle.ConstantTimeCompare([]byte(want), []byte(signature)) != 1 {
		return nil, errSignature
	}
	return c.decrypt(encrypt)
}

// decrypt reverses WeCom's encryption of one message and checks its receiveid.
func (c *crypter) decrypt(encrypt string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(encrypt)
	if err != nil {
		return nil, fmt.Errorf("wecomkf: decode encrypted message: %w", err)
	}
	if len(raw) == 0 || len(raw)%aes.BlockSize != 0 {
		return nil, errors.New("wecomkf: encrypted message is not whole AES blocks")
	}
	block, err := aes.NewCipher(c.key)
	if err != nil {
		return nil, err
	}
	plain := make([]byte, len(raw))
	cipher.NewCBCDecrypter(block, c.key[:aes.BlockSize]).CryptBlocks(plain, raw)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 || pad > len(plain) || !bytes.Equal(plain[len(plain)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, errors.New("wecomkf: bad padding in decrypted message")
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, errors.New("wecomkf: decrypted message too short")
	}
	n := binary.BigEndian.Uint32(plain[16:20])
	if uint64(n) > uint64(len(plain)-20) {
		return nil, errors.New("wecomkf: decrypted message length out of range")
	}
	msg, rest := plain[20:20+n], plain[20+n:]
	if string(rest) != c.receiveID {
		// Encrypted with this key for another corp: not ours.
		return nil, errors.New("wecomkf: callback is for another corp id")
	}
	return msg, nil
}

// CheckCallbackKeys reports whether a callback Token and EncodingAESKey can be used,
// without building a channel (check-config).
func CheckCallbackKeys(token, encodingAESKey, corpID string) error {
	_, err := newCrypter(token, encodingAESKey, corpID)
	return err
}
