package main

import "unsafe"

// The sizes of the two layouts of struct shmTime, which the reader tells apart by the
// segment's size (unsafe.Sizeof only reads the type; nothing unsafe happens here).
const (
	sizeofShmTime64 = int(unsafe.Sizeof(shmTime64{}))
	sizeofShmTime32 = int(unsafe.Sizeof(shmTime32{}))
)
