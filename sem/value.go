package sem

// Value returns the value of semaphore i (semctl(2) GETVAL).
func (s *Set) Value(i int) (int, error) {
	return s.get("value", i, getval)
}

// SetValue sets semaphore i to v, 0 to [MaxValue] (semctl(2) SETVAL). It wakes the
// waiters the new value satisfies and clears every process's undo record for the
// semaphore, so use it to initialise, not to release.
func (s *Set) SetValue(i, v int) error {
	if err := s.usable("setvalue"); err != nil {
		return err
	}
	if err := s.checkIndex(i); err != nil {
		return idError("setvalue", s.id, err)
	}
	if err := checkValues([]int{v}); err != nil {
		return idError("setvalue", s.id, err)
	}
	if err := s.verify("setvalue"); err != nil {
		return err
	}
	if _, err := semctl(s.id, i, setval, setvalArg(v)); err != nil {
		return idError("setvalue", s.id, explainOp(err))
	}
	return nil
}

// Values returns the values of all semaphores of the set at one instant (GETALL).
func (s *Set) Values() ([]int, error) {
	if err := s.usable("values"); err != nil {
		return nil, err
	}
	// GETALL needs read permission, as IPC_STAT does: no reason to go on unchecked.
	if _, err := s.check(); err != nil {
		return nil, idError("values", s.id, err)
	}
	vals, err := getall(s.id, s.n)
	if err != nil {
		return nil, idError("values", s.id, err)
	}
	return vals, nil
}

// SetValues sets all semaphores at once (SETALL); values must have Len() entries. Like
// SetValue it clears the undo records of the set.
func (s *Set) SetValues(values []int) error {
	if err := s.usable("setvalues"); err != nil {
		return err
	}
	if len(values) != s.n {
		return idError("setvalues", s.id, invalid("%d values for %d semaphores", len(values), s.n))
	}
	if err := checkValues(values); err != nil {
		return idError("setvalues", s.id, err)
	}
	if err := s.verify("setvalues"); err != nil {
		return err
	}
	if err := setall(s.id, values); err != nil {
		return idError("setvalues", s.id, err)
	}
	return nil
}

// Waiting returns how many processes wait for semaphore i to grow (GETNCNT): those
// blocked in Acquire or in a Do with a negative delta.
func (s *Set) Waiting(i int) (int, error) {
	return s.get("waiting", i, getncnt)
}

// WaitingZero returns how many processes wait for semaphore i to become 0 (GETZCNT).
func (s *Set) WaitingZero(i int) (int, error) {
	return s.get("waitingzero", i, getzcnt)
}

// LastPID returns the process id of the last process that operated on semaphore i
// (GETPID), or 0 if none has.
func (s *Set) LastPID(i int) (int, error) {
	return s.get("lastpid", i, getpid)
}

func (s *Set) get(op string, i, cmd int) (int, error) {
	if err := s.usable(op); err != nil {
		return 0, err
	}
	if err := s.checkIndex(i); err != nil {
		return 0, idError(op, s.id, err)
	}
	if err := s.verify(op); err != nil {
		return 0, err
	}
	v, err := semctl(s.id, i, cmd, 0)
	if err != nil {
		return 0, idError(op, s.id, err)
	}
	return v, nil
}
