//go:build linux

package shm_test

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
)

func TestFtokMatchesGlibc(t *testing.T) {
	prog := proctest.BuildC(t, "ftok", "testdata/ftok.c")
	dir := t.TempDir()
	var paths []string
	for i := range 20 {
		p := filepath.Join(dir, "f"+strconv.Itoa(i))
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	paths = append(paths, ".", "/", "/proc/1", "/etc/passwd", os.Args[0], "/dev/null")
	ids := []int{1, 'A', 0x66, 0x7f, 0x80, 0xff, 0x1ff, -1}

	var args []string
	for _, p := range paths {
		for _, id := range ids {
			args = append(args, p, strconv.Itoa(id))
		}
	}
	out, err := exec.Command(prog, args...).Output()
	if err != nil {
		t.Fatalf("%s: %v", prog, err)
	}
	want := strings.Fields(string(out))
	if len(want) != len(args)/2 {
		t.Fatalf("C program printed %d keys, want %d", len(want), len(args)/2)
	}
	for i := 0; i < len(args); i += 2 {
		id, _ := strconv.Atoi(args[i+1])
		key, err := shm.Ftok(args[i], id)
		if err != nil {
			t.Errorf("Ftok(%q, %#x): %v", args[i], id, err)
			continue
		}
		if key.String() != want[i/2] {
			t.Errorf("Ftok(%q, %#x) = %v, glibc says %s", args[i], id, key, want[i/2])
		}
	}
}

func TestFtokFormula(t *testing.T) {
	var st syscall.Stat_t
	if err := syscall.Stat(".", &st); err != nil {
		t.Fatal(err)
	}
	key, err := shm.Ftok(".", 0x66)
	if err != nil {
		t.Fatal(err)
	}
	want := shm.Key(0x66<<24 | uint32(st.Dev&0xff)<<16 | uint32(st.Ino&0xffff))
	if key != want {
		t.Fatalf("Ftok = %v, want %v", key, want)
	}
}

func TestKeyString(t *testing.T) {
	for k, want := range map[shm.Key]string{0: "0x00000000", 0x66001234: "0x66001234", 0xffffffff: "0xffffffff"} {
		if got := k.String(); got != want {
			t.Errorf("Key(%d).String() = %q, want %q", uint32(k), got, want)
		}
	}
}

func FuzzFtok(f *testing.F) {
	f.Add(".", 0x66)
	f.Add("/", 1)
	f.Add("/no/such", int('A'))
	f.Add("", 0)
	f.Add("\x00", -1)
	f.Fuzz(func(t *testing.T, path string, projID int) {
		key, err := shm.Ftok(path, projID)
		var st syscall.Stat_t
		serr := syscall.Stat(path, &st)
		switch {
		case projID&0xff == 0:
			if !errors.Is(err, fs.ErrInvalid) {
				t.Fatalf("Ftok(%q, %#x) = %v, %v; want fs.ErrInvalid", path, projID, key, err)
			}
		case serr != nil:
			if err == nil {
				t.Fatalf("Ftok(%q, %#x) = %v for a path stat cannot read (%v)", path, projID, key, serr)
			}
		case err != nil:
			t.Fatalf("Ftok(%q, %#x): %v", path, projID, err)
		default:
			want := shm.Key(uint32(projID&0xff)<<24 | uint32(st.Dev&0xff)<<16 | uint32(st.Ino&0xffff))
			if key != want || key == shm.Private {
				t.Fatalf("Ftok(%q, %#x) = %v, want %v", path, projID, key, want)
			}
		}
	})
}
