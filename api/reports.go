package api

import (
	"fmt"
	"net/http"
)

// The progress report and the workbooks; app builds them.

// handleEvaluationReport sends the evaluation as an Excel workbook.
func (s *Server) handleEvaluationReport(w http.ResponseWriter, r *http.Request) {
	serveID(s, w, r, s.app.EvaluationWorkbook, func(id int64, data []byte) {
		writeWorkbook(w, fmt.Sprintf("evaluation-%d.xlsx", id), data)
	})
}

func (s *Server) handleProgress(w http.ResponseWriter, r *http.Request) {
	rep, err := s.app.Progress(r.Context(), caller(r))
	s.answer(w, r, http.StatusOK, rep, err)
}

func (s *Server) handleProgressReport(w http.ResponseWriter, r *http.Request) {
	data, err := s.app.ProgressWorkbook(r.Context(), caller(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeWorkbook(w, "progress.xlsx", data)
}

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// writeWorkbook sends data as the attachment filename.
func writeWorkbook(w http.ResponseWriter, filename string, data []byte) {
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", filename))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
