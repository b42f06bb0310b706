package sysv

import (
	"slices"
	"syscall"
	"testing"
)

func TestIdentityNames(t *testing.T) {
	seg := Identity{Key: 0x1234, Size: 4096, CPID: 7, CUID: 1000, CGID: 100}
	private := Identity{Size: 4096, CPID: 7, CUID: 1000, CGID: 100}
	tests := []struct {
		name   string
		id     Identity
		now    Identity
		marked bool
		want   bool
	}{
		{"Same", seg, seg, false, true},
		{"MarkedLostItsKey", seg, private, true, true},
		{"UnmarkedWithoutKeyIsAnother", seg, private, false, false},
		{"PrivateNowKeyed", private, seg, false, false},
		{"PrivateStillPrivate", private, private, false, true},
		{"OtherKey", seg, Identity{Key: 0x9999, Size: 4096, CPID: 7, CUID: 1000, CGID: 100}, false, false},
		{"OtherSize", seg, Identity{Key: 0x1234, Size: 8192, CPID: 7, CUID: 1000, CGID: 100}, false, false},
		{"OtherCreatorPID", seg, Identity{Key: 0x1234, Size: 4096, CPID: 8, CUID: 1000, CGID: 100}, false, false},
		{"OtherCreatorUser", seg, Identity{Key: 0x1234, Size: 4096, CPID: 7, CUID: 0, CGID: 100}, false, false},
		{"OtherCreatorGroup", seg, Identity{Key: 0x1234, Size: 4096, CPID: 7, CUID: 1000, CGID: 0}, false, false},
	}
	for _, tt := range tests {
		if got := tt.id.Names(tt.now, tt.marked); got != tt.want {
			t.Errorf("%s: Names = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// ListByIndex falls back to the second stat only when the first finds nothing although
// objects exist, skips unused indexes, and returns the objects in id order.
func TestListByIndex(t *testing.T) {
	ids := []int{5, 32768 + 1, 2} // by index; index 3 is unused
	stat := func(index int) (int, error) {
		if index >= len(ids) {
			return 0, syscall.EINVAL
		}
		return ids[index], nil
	}
	none := func(int) (int, error) { return 0, syscall.EINVAL }
	id := func(v int) int { return v }
	for _, tt := range []struct {
		name          string
		statAny, stat func(int) (int, error)
		inUse         bool
		want          []int
	}{
		{"StatAny", stat, none, true, []int{2, 5, 32769}},
		{"FallBack", none, stat, true, []int{2, 5, 32769}},
		{"NothingInUse", none, stat, false, nil},
	} {
		got, err := ListByIndex(3, tt.inUse, tt.statAny, tt.stat, id)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	failing := func(int) (int, error) { return 0, syscall.EFAULT }
	if _, err := ListByIndex(3, true, failing, stat, id); err != syscall.EFAULT {
		t.Errorf("an unexpected errno ends the walk: got %v", err)
	}
}
