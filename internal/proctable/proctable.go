// Package proctable reads the tables the kernel prints in /proc/sysvipc (shm, sem and
// msg): a header line of column names, then a line of numbers per object. Columns are
// found by name, so kernels with fewer or more columns read as well. Reading does not
// allocate per line: the numbers are parsed from the scanner's buffer in place.
package proctable

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// maxColumns is the most columns a caller may want; the tables have at most 16.
const maxColumns = 24

// Reader reads the rows of one table. It is one allocation, whatever the table's size:
// its buffers are arrays inside it.
type Reader struct {
	sc     bufio.Scanner
	name   string // the file, for errors
	cols   []string
	pos    [maxColumns]int   // position in a line of each wanted column, or -1
	vals   [maxColumns]int64 // the current row's values, by wanted column
	starts []int             // where each field of the current line starts
	space  [64]int           // starts' array
	buf    [4096]byte        // the scanner's buffer, for lines up to its size
	line   int
}

// NewReader reads the header of the table in r, named name in errors, and finds the
// columns named cols (at most 24) in it; the first required of them must be there.
// The kernel writes the perms column in octal and every other in decimal.
func NewReader(r io.Reader, name string, cols []string, required int) (*Reader, error) {
	if len(cols) > maxColumns {
		return nil, fmt.Errorf("%s: %d columns wanted, more than %d", name, len(cols), maxColumns)
	}
	t := &Reader{sc: *bufio.NewScanner(r), name: name, cols: cols, line: 1}
	t.sc.Buffer(t.buf[:0], 64<<10)
	t.starts = t.space[:0]
	if !t.sc.Scan() {
		if err := t.sc.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s: empty", name)
	}
	header := t.sc.Bytes()
	for i := range cols {
		t.pos[i] = -1
	}
	for n, f := range fields(header, t.starts[:0]) {
		end := fieldEnd(header, f)
		for i, c := range cols {
			if string(header[f:end]) == c {
				t.pos[i] = n
			}
		}
	}
	for i := range required {
		if t.pos[i] < 0 {
			return nil, fmt.Errorf("%s: no %q column in the header %q", name, cols[i], header)
		}
	}
	return t, nil
}

// Next reads the next row, skipping blank lines, and reports whether there was one.
// A row that lacks a required column or holds something other than a number there is
// an error that names the line.
func (t *Reader) Next() (bool, error) {
	for t.sc.Scan() {
		t.line++
		line := t.sc.Bytes()
		t.starts = fields(line, t.starts[:0])
		if len(t.starts) == 0 {
			continue
		}
		for i, p := range t.pos[:len(t.cols)] {
			t.vals[i] = 0
			if p < 0 {
				continue
			}
			if p >= len(t.starts) {
				return false, fmt.Errorf("%s line %d: no %s in %q", t.name, t.line, t.cols[i], line)
			}
			f := t.starts[p]
			base := 10
			if t.cols[i] == "perms" {
				base = 8
			}
			v, err := parseInt(line[f:fieldEnd(line, f)], base)
			if err != nil {
				return false, fmt.Errorf("%s line %d: column %s: %q: %w", t.name, t.line, t.cols[i], line[f:fieldEnd(line, f)], err)
			}
			t.vals[i] = v
		}
		return true, nil
	}
	return false, t.sc.Err()
}

// Has reports whether the table has wanted column i.
func (t *Reader) Has(i int) bool { return t.pos[i] >= 0 }

// Int returns the current row's value of wanted column i, or 0 if the table lacks it.
// Values above the range of int64 read as math.MaxInt64.
func (t *Reader) Int(i int) int64 { return t.vals[i] }

// Small returns the current row's value of wanted column i, one the kernel keeps in 32
// bits (a uid, a pid, a count), as an int with the same bits, as IPC_STAT's conversion
// gives it: where int is 32 bits wide, a uid of 2^31 or more reads as a negative
// number, whose bits uint32 gives back whole.
func (t *Reader) Small(i int) int {
	return int(uint32(t.vals[i]))
}

// ReadFile reads the table in file name (/proc/sysvipc/shm, sem or msg) with Parse. A
// system without it (no /proc mounted) is an error wrapping fs.ErrNotExist.
func ReadFile[T any](name string, cols []string, required, n int, row func(*Reader) (T, error)) ([]T, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, name, cols, required, n, row)
}

// Parse reads the table in r, named name in errors (see NewReader for cols and
// required), and returns what row makes of each row, in room for about n rows.
func Parse[T any](r io.Reader, name string, cols []string, required, n int, row func(*Reader) (T, error)) ([]T, error) {
	t, err := NewReader(r, name, cols, required)
	if err != nil {
		return nil, err
	}
	rows := make([]T, 0, n+n/8+4)
	for {
		ok, err := t.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return rows, nil
		}
		v, err := row(t)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, t.line, err)
		}
		rows = append(rows, v)
	}
}

// fields appends to starts the offset of each space-separated field of line.
func fields(line []byte, starts []int) []int {
	in := false
	for i, c := range line {
		space := c == ' ' || c == '\t'
		if !space && !in {
			starts = append(starts, i)
		}
		in = !space
	}
	return starts
}

func fieldEnd(line []byte, start int) int {
	for i := start; i < len(line); i++ {
		if line[i] == ' ' || line[i] == '\t' {
			return i
		}
	}
	return len(line)
}

var errSyntax = errors.New("not a number")

// parseInt parses an optionally signed integer in base 8 or 10, saturating at the
// limits of int64.
func parseInt(b []byte, base int) (int64, error) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, errSyntax
	}
	var u uint64
	over := false
	for _, c := range b {
		d := uint64(c - '0')
		if c < '0' || d >= uint64(base) {
			return 0, errSyntax
		}
		if u > (math.MaxUint64-d)/uint64(base) {
			over = true
			continue
		}
		u = u*uint64(base) + d
	}
	switch {
	case neg && (over || u > 1<<63):
		return math.MinInt64, nil
	case neg:
		return -int64(u), nil
	case over || u > math.MaxInt64:
		return math.MaxInt64, nil
	}
	return int64(u), nil
}
