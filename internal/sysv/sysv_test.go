package sysv

import "testing"

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
