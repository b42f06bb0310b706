package shm

import (
	"fmt"
	"os"
)

// Key names a System V IPC object, as key_t does in C: processes that agree on a key
// find the same segment (and, with the sem subpackage, the same semaphore set).
type Key uint32

// Private is IPC_PRIVATE: passed to [Create] or [Open] it makes a new segment that no
// key can find. Other processes reach it only by its id ([FromID]), or by inheriting an
// attachment across fork.
const Private Key = 0

// String prints the key as ipcs(1) does, for example 0x66001234.
func (k Key) String() string { return fmt.Sprintf("0x%08x", uint32(k)) }

// Ftok makes a key from an existing file and a project id, bit for bit as glibc's
// ftok(3) does, so a Go program and a C program that call ftok with the same path and id
// meet at the same key:
//
//	key = (projID & 0xff) << 24 | (st_dev & 0xff) << 16 | (st_ino & 0xffff)
//
// Only the low 8 bits of projID count, and they must not be zero (ftok(3) requires a
// nonzero id; with zero the key could even be IPC_PRIVATE): such a projID is an error
// wrapping fs.ErrInvalid. A path that does not exist is an error wrapping
// fs.ErrNotExist; Ftok follows symbolic links, as stat(2) does.
//
// Keys can collide: only 16 bits of the inode and 8 bits of the device are used, so two
// different files (on big or several file systems) can give the same key, and a file
// that is deleted and created again usually gets another inode, and so another key.
// Use a file that lives as long as the program's installation, and check what you find
// with [Segment.Stat] if a wrong match would hurt.
func Ftok(path string, projID int) (Key, error) {
	if projID&0xff == 0 {
		return 0, &Error{Op: "ftok", Path: path, ID: -1, Err: invalid("project id %#x has zero low 8 bits", projID)}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, &Error{Op: "ftok", Path: path, ID: -1, Err: unwrapPath(err)}
	}
	dev, ino, err := devIno(fi)
	if err != nil {
		return 0, &Error{Op: "ftok", Path: path, ID: -1, Err: err}
	}
	return Key(uint32(projID&0xff)<<24 | uint32(dev&0xff)<<16 | uint32(ino&0xffff)), nil
}

// unwrapPath drops the fs.PathError around err: our Error names the path already.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
