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

// encodePNG writes an opaque RGBA raster as an 8-bit RGB PNG.
func encodePNG(w io.Writer, img *image.RGBA) error {
	enc, err := newPNGEncoder(img.Bounds().Dx(), img.Bounds().Dy())
	if err != nil {
		return err
	}
	if err := enc.rows(img, img.Bounds().Dy()); err != nil {
		return err
	}
	return enc.finish(w)
}

// pngEncoder compresses an opaque picture row by row, so it can be painted
// and encoded a strip at a time, and writes it as an 8-bit RGB PNG. Every
// row uses the "Up" filter instead of image/png's per-row trial of all five
// filters: tree pictures are mostly flat colour, so Up already turns most
// rows into zeros, and encoding takes a fraction of the time. Alpha is dropped.
type pngEncoder struct {
	width, height, done int
	idat                bytes.Buffer
	zw                  *zlib.Writer
	prev, cur           []byte
}

func newPNGEncoder(width, height int) (*pngEncoder, error) {
	e := &pngEncoder{width: width, height: height, prev: make([]byte, 3*width), cur: make([]byte, 1+3*width)}
	e.cur[0] = 2 // filter type Up
	var err error
	if e.zw, err = zlib.NewWriterLevel(&e.idat, zlib.BestSpeed); err != nil {
		return nil, fmt.Errorf("zlib: %w", err)
	}
	return e, nil
}

// rows compresses the first n rows of img, the next rows of the picture.
func (e *pngEncoder) rows(img *image.RGBA, n int) error {
	for y := range n {
		row := img.Pix[y*img.Stride : y*img.Stride+4*e.width]
		for x := range e.width {
			for c := range 3 {
				v := row[4*x+c]
				e.cur[1+3*x+c] = v - e.prev[3*x+c]
				e.prev[3*x+c] = v
			}
		}
		if _, err := e.zw.Write(e.cur); err != nil {
			return fmt.Errorf("compress row %d: %w", e.done, err)
		}
		e.done++
	}
	return nil
}

// finish writes the PNG to w once every row is compressed.
func (e *pngEncoder) finish(w io.Writer) error {
	if e.done != e.height {
		return fmt.Errorf("encoded %d of %d rows", e.done, e.height)
	}
	if err := e.zw.Close(); err != nil {
		return fmt.Errorf("compress: %w", err)
	}
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(e.width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(e.height))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits per sample, truecolour
	if _, err := io.WriteString(w, "\x89PNG\r\n\x1a\n"); err != nil {
		return fmt.Errorf("write signature: %w", err)
	}
	for _, c := range []struct {
		typ  string
		data []byte
	}{{"IHDR", ihdr[:]}, {"IDAT", e.idat.Bytes()}, {"IEND", nil}} {
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
