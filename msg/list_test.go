//go:build linux

package msg_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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

// The table is text another kernel may print differently: columns are found by name,
// and a row that cannot be an id is an error, never a panic or a wrong id.
func TestParseProcMsg(t *testing.T) {
	const header = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n"
	tests := []struct {
		name, table string
		want        []msg.Info
		err         string
	}{
		{"TwoRowsSortedByID", header +
			"2120500001      32769   622         100          2  4242  4343     0     0     0     0 1700000000 1700000001 1700000002\n" +
			"         0          0   600           0          0     0     0  1000  1000  1000  1000          0          0 1700000003\n",
			[]msg.Info{
				{Key: 0, ID: 0, Mode: 0o600, UID: 1000, GID: 1000, CUID: 1000, CGID: 1000, MaxBytes: -1, LastChange: time.Unix(1700000003, 0)},
				{Key: shm.Key(2120500001), ID: 32769, Mode: 0o622, Bytes: 100, Messages: 2, LastSendPID: 4242, LastRecvPID: 4343, MaxBytes: -1,
					LastSend: time.Unix(1700000000, 0), LastRecv: time.Unix(1700000001, 0), LastChange: time.Unix(1700000002, 0)},
			}, ""},
		{"FewerColumns", "key msqid perms\n5 7 644\n",
			[]msg.Info{{Key: 5, ID: 7, Mode: 0o644, MaxBytes: -1}}, ""},
		{"IDAbove32Bits", "key msqid perms\n5 4294967303 644\n", nil, "out of range"},
		{"NotANumber", "key msqid perms\n5 x 644\n", nil, "not a number"},
		{"NoIDColumn", "key perms\n5 644\n", nil, "no \"msqid\" column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := msg.ParseProcMsg(strings.NewReader(tt.table), 2)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
