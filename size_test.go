//go:build linux

package shm_test

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
)

// bigSegments has a 64-bit C program make segments of the given sizes (without
// reserving memory for them) and returns their ids; they are removed when the test
// ends, by the program, which stops when its standard input closes.
func bigSegments(t *testing.T, keys []shm.Key, sizes []int64) []int {
	t.Helper()
	bin := proctest.BuildC(t, "bigseg", "testdata/bigseg.c")
	var args []string
	for i, size := range sizes {
		args = append(args, fmt.Sprintf("%#x:%d", uint32(keys[i]), size))
	}
	cmd := exec.Command(bin, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("bigseg: %v\n%s", err, stderr.String())
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("bigseg printed no ids: %v\n%s", err, stderr.String())
	}
	var ids []int
	for _, f := range strings.Fields(line) {
		id, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("bigseg printed %q", line)
		}
		ids = append(ids, id)
	}
	return ids
}

// Segments of 2 GiB and more are made by 64-bit processes that 32-bit ones share a
// machine with: a 32-bit process must see their true size or an error that says it
// cannot, never a size cut to 32 bits, a panic, or an attachment left behind.
func TestSegmentsOfAnySize(t *testing.T) {
	sizes := []int64{2 << 30, 4<<30 + 4096, 5 << 30}
	keys := []shm.Key{freeKey(t), freeKey(t), freeKey(t)}
	ids := bigSegments(t, keys, sizes)
	infos, err := shm.List()
	if err != nil {
		t.Fatal(err)
	}
	listed := make(map[int]shm.Info)
	for _, info := range infos {
		listed[info.ID] = info
	}
	for i, want := range sizes {
		id := ids[i]
		t.Run(strconv.FormatInt(want, 10), func(t *testing.T) {
			if got := listed[id].Size; got != want {
				t.Errorf("List says %d bytes, want %d", got, want)
			}
			seg, err := shm.FromID(id)
			if want > math.MaxInt {
				for name, err := range map[string]error{"FromID": err, "Get": second(shm.Get(keys[i])),
					"Open": second(shm.Open(keys[i], 4096, 0o600))} {
					if !errors.Is(err, syscall.EOVERFLOW) || !strings.Contains(err.Error(), strconv.FormatInt(want, 10)+" bytes") {
						t.Errorf("%s of a segment of %d bytes in a 32-bit process: %v, want EOVERFLOW naming the size", name, want, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if seg.Size() != int(want) || mustStat(t, seg).Size != want {
				t.Fatalf("Size %d, Stat's Size %d, want %d", seg.Size(), mustStat(t, seg).Size, want)
			}
			b := attach(t, seg)
			if int64(len(b)) != want {
				t.Fatalf("Attach gave %d bytes, want %d", len(b), want)
			}
			if err := shm.Detach(b); err != nil {
				t.Fatal(err)
			}
		})
	}
	infos, err = shm.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, info := range infos {
		for _, id := range ids {
			if info.ID == id && info.Attached != 0 {
				t.Errorf("segment %d of %d bytes is attached %d times after the test", id, info.Size, info.Attached)
			}
		}
	}
}

func second[T any](_ T, err error) error { return err }

// Without NoReserve the kernel sets memory aside for the whole segment, and a segment
// larger than memory and swap together is refused; the error must say what to do.
func TestCreateBeyondMemoryNamesNoReserve(t *testing.T) {
	if math.MaxInt == math.MaxInt32 {
		t.Skip("a 32-bit process cannot ask for more memory than the machine has")
	}
	if mode := strings.TrimSpace(readFile(t, "/proc/sys/vm/overcommit_memory")); mode != "0" {
		t.Skipf("vm.overcommit_memory is %s: only the default heuristic (0) refuses a single segment larger than memory", mode)
	}
	huge := int64(1) << 50 // 1 PiB
	seg, err := shm.Create(shm.Private, int(huge), 0o600)
	if err == nil {
		seg.Remove()
		t.Fatal("a segment of 1 PiB was made")
	}
	if !errors.Is(err, syscall.ENOMEM) || !strings.Contains(err.Error(), "NoReserve") {
		t.Fatalf("error %q: want ENOMEM that names NoReserve", err)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
