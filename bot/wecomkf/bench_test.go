package wecomkf

import "testing"

// BenchmarkCallbackOpen is the callback's own work: signature check and AES decrypt of
// a kf_msg_or_event notice.
func BenchmarkCallbackOpen(b *testing.B) {
	const corp = "ww0123456789abcdef"
	inner := "<xml><ToUserName><![CDATA[" + corp + "]]></ToUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[event]]></MsgType>" +
		"<Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR]]></Token><OpenKfId><![CDATA[wkxxxxxxx]]></OpenKfId></xml>"
	enc := wecomEncrypt(b, inner, corp)
	sig := wecomSign(cbToken, "1409659589", "263014780", enc)
	c, err := newCrypter(cbToken, aesKey, corp)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.open(sig, "1409659589", "263014780", enc); err != nil {
			b.Fatal(err)
		}
	}
}
