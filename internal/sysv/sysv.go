// Package sysv holds what the module's packages (shm, sem, msg) share about System V
// IPC objects as the kernel reports them: the identity a handle checks before it acts,
// and the conversion of the kernel's times.
package sysv

import "time"

// Identity is what the kernel reports of an object that never changes while the object
// exists. The kernel gives a removed object's id to a later one, so a handle records
// the identity of its object and compares it with what the id names now before it acts.
type Identity struct {
	Key  uint32 // the key; 0 (IPC_PRIVATE) for an object made without one
	Size int64  // bytes of a segment, semaphores of a set; 0 for a queue
	CPID int    // the creator's pid where the kernel keeps it (segments), else 0
	CUID int    // the creator's user and group, which IPC_SET does not change
	CGID int
}

// Names reports whether now, just read from the kernel, describes the object of
// identity id. An object marked for removal (a segment still attached somewhere) has
// lost its key: the kernel reports 0 then, which still matches.
func (id Identity) Names(now Identity, marked bool) bool {
	if now.Size != id.Size || now.CPID != id.CPID || now.CUID != id.CUID || now.CGID != id.CGID {
		return false
	}
	return now.Key == id.Key || now.Key == 0 && marked
}

// Time converts a kernel time in seconds to a time.Time, keeping 0, the kernel's
// "never", as the zero Time.
func Time(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0)
}
