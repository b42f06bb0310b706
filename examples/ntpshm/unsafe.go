package main

import "unsafe"

// sizeofShmTime is the size of struct shmTime in this build, for creating the segment.
const sizeofShmTime = unsafe.Sizeof(shmTime{})
