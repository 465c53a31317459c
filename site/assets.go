package site

import (
	"io/fs"

	"github.com/recheckgen/recheckgen/chart"
	"github.com/recheckgen/recheckgen/theme"
)

// assets copies the theme's assets (a user theme's files win), ECharts
// when served from the site, and the generated stylesheets.
func (s *site) assets() error {
	err := fs.WalkDir(theme.Files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(theme.Files, p)
		if err != nil {
			return err
		}
		if over, err := userFile(s.in.Config.Dirs.Theme, p); err != nil {
			return err
		} else if over != nil {
			data = over
		}
		return s.file(p, data)
	})
	if err != nil {
		return err
	}
	if s.in.EChartsJS != nil {
		if err := s.file("assets/echarts.min.js", s.in.EChartsJS); err != nil {
			return err
		}
		if s.in.EChartsLicense != nil {
			if err := s.file("assets/echarts.LICENSE.txt", s.in.EChartsLicense); err != nil {
				return err
			}
		}
	}
	if err := s.file("assets/status.css", chart.StatusCSS()); err != nil {
		return err
	}
	css, err := chromaCSS()
	if err != nil {
		return err
	}
	return s.file("assets/chroma.css", css)
}
