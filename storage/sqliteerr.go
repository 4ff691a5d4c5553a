//go:build cgo

package storage

import (
	"errors"

	"github.com/mattn/go-sqlite3"

	"github.com/untangle-rca/untangle/workflow"
)

// mapErr turns constraint violations into workflow conflicts.
func mapErr(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.ExtendedCode {
		case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey:
			return &workflow.Error{Code: workflow.EConflict, Message: "This already exists; someone may have just added it."}
		}
	}
	return err
}
