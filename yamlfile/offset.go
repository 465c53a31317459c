package yamlfile

import (
	"go.yaml.in/yaml/v3"
)

// ValueOffset maps byte offset off inside scalar n's decoded value to a byte
// offset in src, the file the scalar was read from. It walks the source and
// the value side by side: source characters that decoding removed
// (quotes, indentation, line breaks folded into spaces, escape backslashes)
// are skipped. The result is exact for the characters a message points at
// and at worst a few bytes early on folded white space.
func ValueOffset(src []byte, n *yaml.Node, off int) int {
	i := lineColOffset(src, n.Line, n.Column)
	val := n.Value
	if off > len(val) {
		off = len(val)
	}
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		for i < len(src) && src[i] != '\n' { // skip the `>-` header line
			i++
		}
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		i++
	}
	dq := n.Style&yaml.DoubleQuotedStyle != 0
	sq := n.Style&yaml.SingleQuotedStyle != 0
	for j := 0; j < off && i < len(src); {
		c, v := src[i], val[j]
		switch {
		case dq && c == '\\' && i+1 < len(src):
			if unescape(src[i+1]) == v {
				j++
			}
			i += 2
		case sq && c == '\'' && i+1 < len(src) && src[i+1] == '\'' && v == '\'':
			i, j = i+2, j+1
		case c == v:
			i, j = i+1, j+1
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case v == ' ' || v == '\n':
			j++ // a folded line break: no source character of its own
		default:
			i++
		}
	}
	// Land on the character itself, not on white space before it.
	if off < len(val) && val[off] != ' ' && val[off] != '\n' {
		for i < len(src) && (src[i] == ' ' || src[i] == '\n' || src[i] == '\r' || src[i] == '\t') {
			i++
		}
	}
	return i
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case '0':
		return 0
	}
	return c
}

// lineColOffset turns a 1-based line and column into a byte offset.
func lineColOffset(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line && off < len(src); off++ {
		if src[off] == '\n' {
			l++
		}
	}
	off += col - 1
	if off > len(src) {
		off = len(src)
	}
	return off
}
