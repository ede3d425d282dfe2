package prompt

import "bytes"

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(bytes.Clone(b)) }
