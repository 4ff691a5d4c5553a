package render

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"io"
)

// encodePNG writes an opaque RGBA raster as an 8-bit RGB PNG. Every row uses
// the "Up" filter instead of image/png's per-row trial of all five filters:
// tree pictures are mostly flat colour, so Up already turns most rows into
// zeros, and encoding takes a fraction of the time. Alpha is dropped.
func encodePNG(w io.Writer, img *image.RGBA) error {
	b := img.Bounds()
	width, height := b.Dx(), b.Dy()
	var idat bytes.Buffer
	zw, err := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	if err != nil {
		return fmt.Errorf("zlib: %w", err)
	}
	prev := make([]byte, 3*width)
	cur := make([]byte, 1+3*width)
	cur[0] = 2 // filter type Up
	for y := range height {
		row := img.Pix[(y)*img.Stride : y*img.Stride+4*width]
		for x := range width {
			for c := range 3 {
				v := row[4*x+c]
				cur[1+3*x+c] = v - prev[3*x+c]
				prev[3*x+c] = v
			}
		}
		if _, err := zw.Write(cur); err != nil {
			return fmt.Errorf("compress row %d: %w", y, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compress: %w", err)
	}
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits per sample, truecolour
	if _, err := io.WriteString(w, "\x89PNG\r\n\x1a\n"); err != nil {
		return fmt.Errorf("write signature: %w", err)
	}
	for _, c := range []struct {
		typ  string
		data []byte
	}{{"IHDR", ihdr[:]}, {"IDAT", idat.Bytes()}, {"IEND", nil}} {
		if err := writeChunk(w, c.typ, c.data); err != nil {
			return err
		}
	}
	return nil
}

// writeChunk writes one PNG chunk: length, type, data, CRC of type and data.
func writeChunk(w io.Writer, typ string, data []byte) error {
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(data)))
	copy(head[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(head[4:])
	crc.Write(data)
	var tail [4]byte
	binary.BigEndian.PutUint32(tail[:], crc.Sum32())
	for _, part := range [][]byte{head[:], data, tail[:]} {
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("write %s chunk: %w", typ, err)
		}
	}
	return nil
}
