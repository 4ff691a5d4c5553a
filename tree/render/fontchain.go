package render

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/flopp/go-findfont"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// FontDirEnv names the environment variable with an extra directory of
// TrueType/OpenType fonts, searched after the embedded and the system fonts.
const FontDirEnv = "UNTANGLE_FONT_DIR"

// fontFile is one font of the fallback chain, parsed on first use. Files are
// read through os.File.ReadAt, so a big CJK collection costs no memory until
// its glyphs are drawn.
type fontFile struct {
	path string
	once sync.Once
	font *sfnt.Font // nil when the file is not a font the rasteriser can draw
}

func (ff *fontFile) load() *sfnt.Font {
	ff.once.Do(func() {
		f, err := os.Open(ff.path)
		if err != nil {
			return
		}
		c, err := sfnt.ParseCollectionReaderAt(f)
		if err != nil {
			f.Close()
			return
		}
		if ff.font, err = c.Font(0); err != nil {
			ff.font = nil
			f.Close()
		}
	})
	return ff.font
}

// fontChain is the ordered list of fonts a glyph is looked up in: the
// embedded Go font, then the system fonts (sans serif of the chain's weight
// first), then the fonts of FontDirEnv. The first font that has an outline
// for a character draws it. It is safe for concurrent use.
type fontChain struct {
	files []*fontFile
	mu    sync.Mutex
	pick  map[rune]int // index into files of the font that draws r
}

func newFontChain(embedded *sfnt.Font, bold bool, system, extra []string) *fontChain {
	first := &fontFile{font: embedded}
	first.once.Do(func() {})
	c := &fontChain{files: []*fontFile{first}, pick: map[rune]int{}}
	for _, p := range rankFonts(system, bold) {
		c.files = append(c.files, &fontFile{path: p})
	}
	for _, p := range rankFonts(extra, bold) {
		c.files = append(c.files, &fontFile{path: p})
	}
	return c
}

// fontFor returns the index of the font that draws r (0, the embedded font,
// when none has it: it draws the "missing glyph" box).
func (c *fontChain) fontFor(r rune) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i, ok := c.pick[r]; ok {
		return i
	}
	i := c.search(r)
	c.pick[r] = i
	return i
}

func (c *fontChain) search(r rune) int {
	var buf sfnt.Buffer
	for i, ff := range c.files {
		f := ff.load()
		if f == nil {
			continue
		}
		gi, err := f.GlyphIndex(&buf, r)
		if err != nil || gi == 0 {
			continue
		}
		// Colour bitmap fonts map characters but have no outlines to draw.
		if _, err := f.LoadGlyph(&buf, gi, fixed.I(16), nil); err != nil {
			continue
		}
		return i
	}
	return 0
}

// face makes a face of font i at size px.
func (c *fontChain) face(i int, size float64) (font.Face, error) {
	return face(c.files[i].load(), size)
}

// fontStyleWords mark files of another style than plain sans serif; they are
// tried after the plain ones.
var fontStyleWords = []string{"serif", "mono", "kufi", "naskh", "nastaliq", "rashi", "display", "looped", "slanted", "unjoined", "math"}

// otherWeightWords mark weights and widths that are neither regular nor bold.
var otherWeightWords = []string{"italic", "oblique", "thin", "light", "medium", "semi", "extra", "black", "heavy", "condensed", "narrow", "expanded", "book"}

// rankFonts keeps the font files among paths and orders them: the wanted
// weight before the other, sans serif before other styles, then by name.
func rankFonts(paths []string, bold bool) []string {
	type ranked struct {
		path  string
		score int
	}
	var out []ranked
	for _, p := range paths {
		if !isFontFile(p) {
			continue
		}
		out = append(out, ranked{p, fontScore(strings.ToLower(filepath.Base(p)), bold)})
	}
	slices.SortStableFunc(out, func(a, b ranked) int {
		if a.score != b.score {
			return a.score - b.score
		}
		return strings.Compare(filepath.Base(a.path), filepath.Base(b.path))
	})
	paths = make([]string, len(out))
	for i, r := range out {
		paths[i] = r.path
	}
	return paths
}

func fontScore(name string, bold bool) int {
	score := 0
	for _, w := range otherWeightWords {
		if strings.Contains(name, w) {
			score += 100
		}
	}
	if strings.Contains(name, "bold") != bold {
		score += 10
	}
	if strings.Contains(name, "sans") {
		return score
	}
	for _, w := range fontStyleWords {
		if strings.Contains(name, w) {
			return score + 3
		}
	}
	return score + 1
}

func isFontFile(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".ttf", ".otf", ".ttc", ".otc":
		return true
	}
	return false
}

// fontsIn lists the font files under dir ("" lists none).
func fontsIn(dir string) []string {
	if dir == "" {
		return nil
	}
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isFontFile(p) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// fonts holds the two fallback chains (regular and bold); they are safe for
// concurrent use, the faces made from them are not.
type fonts struct {
	regular, bold *fontChain
}

// loadFonts parses the embedded fonts and lists the system fonts and those
// of FontDirEnv; the fallback fonts are parsed only when a character needs them.
func loadFonts() (*fonts, error) {
	reg, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("render: parse Go Regular: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("render: parse Go Bold: %w", err)
	}
	system := findfont.List()
	extra := fontsIn(os.Getenv(FontDirEnv))
	return &fonts{regular: newFontChain(reg, false, system, extra), bold: newFontChain(bold, true, system, extra)}, nil
}
