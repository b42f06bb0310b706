// Package cshm measures shmat(2) and shmdt(2) called from C, through cgo, as the floor
// that the shm package's Attach and Detach are compared with. It builds only with the
// cbench tag, so that the module itself never needs cgo:
//
//	go test -tags cbench -run '^$' -bench . ./bench/cshm
//
// Each C loop runs all its iterations inside one cgo call, so the figures are C's own.
package cshm
