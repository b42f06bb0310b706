//go:build linux

package msg_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/msg"
)

// List, from /proc/sysvipc/msg and from the MSG_STAT_ANY walk, says of each queue what
// Stat says (but the byte limit, which /proc does not print).
func TestListAgreesWithStat(t *testing.T) {
	a := newQueue(t, shm.Private, 0o600)
	b := newQueue(t, freeKey(t), 0o644)
	send(t, b, 1, 2, 3)
	if _, _, err := b.TryRecv(0, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	for name, list := range map[string]func() ([]msg.Info, error){"List": msg.List, "ListStat": msg.ListStat} {
		infos, err := list()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, q := range []*msg.Queue{a, b} {
			want := mustStat(t, q)
			found := false
			for _, got := range infos {
				if got.ID != q.ID() {
					continue
				}
				found = true
				if name == "List" {
					want.MaxBytes = -1
				}
				if got != want {
					t.Errorf("%s says\n%+v\nStat says\n%+v", name, got, want)
				}
			}
			if !found {
				t.Errorf("%s lacks queue %d", name, q.ID())
			}
		}
		for i := 1; i < len(infos); i++ {
			if infos[i-1].ID >= infos[i].ID {
				t.Errorf("%s is not in msqid order", name)
			}
		}
	}
}

func TestLimitsAreTheSysctls(t *testing.T) {
	lim, err := msg.Limits()
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]int{"msgmax": lim.MaxMessage, "msgmnb": lim.MaxQueueBytes, "msgmni": lim.MaxQueues} {
		b, err := os.ReadFile("/proc/sys/kernel/" + name)
		if err != nil {
			t.Skipf("no /proc/sys/kernel: %v", err)
		}
		want, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("Limits says %s is %d, sysctl kernel.%s says %d", name, got, name, want)
		}
	}
}

// Usage counts at least what this test holds; childUsage counts exactly in a
// namespace of its own.
func TestUsageCountsAtLeastOurs(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	if err := q.Send(context.Background(), 1, make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	u, err := msg.Usage()
	if err != nil {
		t.Fatal(err)
	}
	if u.Queues < 1 || u.Messages < 1 || u.Bytes < 100 {
		t.Fatalf("Usage = %+v with a queue of one 100-byte message", u)
	}
}
