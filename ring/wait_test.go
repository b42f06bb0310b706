package ring

import (
	"sync/atomic"
	"testing"
)

// notify wakes a sleeper only if its flag names another counter value than the new
// one, and clears the flag so that it wakes it once.
func TestNotifyTag(t *testing.T) {
	cases := []struct {
		name        string
		flag, value uint32
		cleared     bool
	}{
		{"no sleeper", 0, 8, false},
		{"sleeper on an older value", waitBit | 8, 16, true},
		{"sleeper on the new value: it went to sleep after the change", waitBit | 16, 16, false},
		{"tags compare the low 31 bits", waitBit | 16, 1<<31 | 16, false},
		{"flag without its bit", 8, 16, false},
	}
	for _, c := range cases {
		var counter, flag atomic.Uint32
		counter.Store(le(c.value))
		flag.Store(le(c.flag))
		notify(&counter, &flag, c.value)
		if cleared := flag.Load() == 0 && c.flag != 0; cleared != c.cleared {
			t.Errorf("%s: flag %#x after notify(%#x); want cleared %v", c.name, le(flag.Load()), c.value, c.cleared)
		}
	}
}
