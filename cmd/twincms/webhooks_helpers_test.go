package main

import "github.com/jesenice/twincms/internal/apitest"

var waitFor = apitest.WaitFor
