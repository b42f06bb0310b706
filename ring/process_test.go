package ring_test

var children = map[string]func() int{}
