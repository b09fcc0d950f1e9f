module github.com/briefing/briefing

go 1.24
