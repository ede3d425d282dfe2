package gitrepo

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// packObject is one object to pack: its hash, type and uncompressed content.
type packObject struct {
	hash plumbing.Hash
	typ  plumbing.ObjectType
	data []byte
}

// writePackFiles writes objs as one packfile and its index into gitDir/objects/pack. The
// objects are compressed on every core at zlib's best speed, and the index is built from the
// offsets as they are written, so nothing is read back. go-git's own pack writer compresses on
// one core and parses the pack again to index it, which was most of the cost of a new service.
func writePackFiles(gitDir string, objs []packObject) error {
	compressed := make([][]byte, len(objs))
	var wg sync.WaitGroup
	var next sync.Mutex
	i := 0
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			zw, _ := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
			for {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= len(objs) {
					return
				}
				buf.Reset()
				zw.Reset(&buf)
				zw.Write(objs[j].data)
				zw.Close()
				compressed[j] = bytes.Clone(buf.Bytes())
			}
		}()
	}
	wg.Wait()

	var pack bytes.Buffer
	sum := sha1.New()
	out := io.MultiWriter(&pack, sum)
	header := make([]byte, 12)
	copy(header, "PACK")
	binary.BigEndian.PutUint32(header[4:], 2)
	binary.BigEndian.PutUint32(header[8:], uint32(len(objs)))
	out.Write(header)
	idx := new(idxfile.Writer)
	idx.OnHeader(uint32(len(objs)))
	for j, o := range objs {
		pos := int64(pack.Len())
		crc := crc32.NewIEEE()
		entry := io.MultiWriter(out, crc)
		entry.Write(objectHeader(o.typ, int64(len(o.data))))
		entry.Write(compressed[j])
		idx.OnInflatedObjectContent(o.hash, pos, crc.Sum32(), nil)
	}
	var packHash plumbing.Hash
	copy(packHash[:], sum.Sum(nil))
	pack.Write(packHash[:])
	if err := idx.OnFooter(packHash); err != nil {
		return fmt.Errorf("index objects: %w", err)
	}
	mi, err := idx.Index()
	if err != nil {
		return fmt.Errorf("index objects: %w", err)
	}
	var idxBuf bytes.Buffer
	if _, err := idxfile.NewEncoder(&idxBuf).Encode(mi); err != nil {
		return fmt.Errorf("index objects: %w", err)
	}
	base := filepath.Join(gitDir, "objects", "pack", "pack-"+packHash.String())
	if err := os.WriteFile(base+".pack", pack.Bytes(), 0o444); err != nil {
		return fmt.Errorf("write objects: %w", err)
	}
	if err := os.WriteFile(base+".idx", idxBuf.Bytes(), 0o444); err != nil {
		return fmt.Errorf("write objects: %w", err)
	}
	return nil
}

// objectHeader is a pack entry's header: type and size, seven bits a byte after the first four.
func objectHeader(t plumbing.ObjectType, size int64) []byte {
	b := []byte{byte(t)<<4 | byte(size&0x0f)}
	size >>= 4
	for size > 0 {
		b[len(b)-1] |= 0x80
		b = append(b, byte(size&0x7f))
		size >>= 7
	}
	return b
}
