package sem

import (
	"os"
	"time"

	"github.com/go-sysv/shm"
)

// Info is what the kernel knows of a set: struct semid_ds from semctl(2) IPC_STAT.
type Info struct {
	Key      shm.Key     // the key (Private for a set made without one)
	ID       int         // the semid
	Len      int         // number of semaphores (sem_nsems)
	Mode     os.FileMode // permission bits
	UID, GID int         // owner
	CUID     int         // creator's user id
	CGID     int         // creator's group id

	LastOp     time.Time // last semop (sem_otime); zero if never, see Create
	LastChange time.Time // creation, or last IPC_SET, SETVAL or SETALL (sem_ctime)
}

// Stat returns what the kernel knows of the set now (semctl(2) IPC_STAT). Where the
// caller may not read the set, Linux 4.17 and later answer the same with SEM_STAT_ANY,
// as /proc/sysvipc/sem shows it to any user; elsewhere that is fs.ErrPermission. If the
// id now names another set, the error wraps fs.ErrNotExist.
func (s *Set) Stat() (Info, error) {
	if err := s.usable("stat"); err != nil {
		return Info{}, err
	}
	info, err := s.check()
	if err != nil {
		return Info{}, idError("stat", s.id, err)
	}
	return info, nil
}
