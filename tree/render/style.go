package render

import "image/color"

// The Okabe–Ito palette (colour-blind safe), plus tints for fills.
var (
	colBlack      = hex("#000000")
	colOrange     = hex("#E69F00")
	colSkyBlue    = hex("#56B4E9")
	colGreen      = hex("#009E73") // bluish green
	colYellow     = hex("#F0E442")
	colBlue       = hex("#0072B2")
	colVermillion = hex("#D55E00")
	colPurple     = hex("#CC79A7") // reddish purple
	colInk        = hex("#1A1A1A")
	colLink       = hex("#4D4D4D")
	colWhite      = hex("#FFFFFF")
)

// nodeStyle is how one look is drawn.
type nodeStyle struct {
	name     string // legend text
	fill     color.RGBA
	border   color.RGBA
	penWidth float64
	radius   float64 // corner radius; 0 = sharp corners
	hexagon  bool
	badgeBg  color.RGBA
	badgeFg  color.RGBA
}

// hexInset is how far the hexagon's side points stick out beyond the text box.
const hexInset = 14.0

// styles maps each look to its style.
var styles = [numLooks]nodeStyle{
	lookUDE:       {name: "Undesirable effect (UDE)", fill: hex("#F9D9C4"), border: colVermillion, penWidth: 3, radius: 10, badgeBg: colVermillion, badgeFg: colWhite},
	lookCore:      {name: "Core cause", fill: hex("#FBE3AE"), border: colBlack, penWidth: 5, radius: 4, badgeBg: colBlack, badgeFg: colYellow},
	lookRoot:      {name: "Root cause", fill: hex("#DDEFFA"), border: colBlue, penWidth: 2.5, radius: 4, badgeBg: colBlue, badgeFg: colWhite},
	lookCause:     {name: "Cause", fill: colWhite, border: colBlue, penWidth: 1.5, radius: 10},
	lookPremise:   {name: "Premise (condition)", fill: hex("#F5E1EC"), border: colPurple, penWidth: 2, radius: 0, badgeBg: colPurple, badgeFg: colBlack},
	lookInjection: {name: "Injection (fix)", fill: hex("#CCEBE3"), border: colGreen, penWidth: 2.5, hexagon: true, badgeBg: colGreen, badgeFg: colWhite},
	lookDesired:   {name: "Desired effect", fill: hex("#E3F4EE"), border: colGreen, penWidth: 3, radius: 14, badgeBg: colSkyBlue, badgeFg: colBlack},
	lookNegative:  {name: "Negative branch, trimmed by an injection", fill: hex("#EEEEEE"), border: colPurple, penWidth: 2, radius: 0, badgeBg: colPurple, badgeFg: colBlack},
	lookRisk:      {name: "Negative branch not trimmed: new harm", fill: hex("#FAD4C0"), border: colVermillion, penWidth: 5, radius: 0, badgeBg: colVermillion, badgeFg: colWhite},
}

// Link colours.
var (
	colDisputed  = colVermillion
	colHighlight = colYellow
	colBlameMark = colOrange
	colQMark     = colPurple
	colJunction  = colInk
)

func hex(s string) color.RGBA {
	var c color.RGBA
	c.A = 0xff
	for i, p := range []*uint8{&c.R, &c.G, &c.B} {
		*p = unhex(s[1+2*i])<<4 | unhex(s[2+2*i])
	}
	return c
}

func unhex(b byte) uint8 {
	switch {
	case b >= '0' && b <= '9':
		return b - '0'
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10
	case b >= 'A' && b <= 'F':
		return b - 'A' + 10
	}
	return 0
}

// cssColor writes c as #RRGGBB.
func cssColor(c color.RGBA) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{'#', digits[c.R>>4], digits[c.R&15], digits[c.G>>4], digits[c.G&15], digits[c.B>>4], digits[c.B&15]})
}
