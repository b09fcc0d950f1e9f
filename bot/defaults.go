package bot

import "time"

// DefaultOptions returns the defaults withDefaults fills in for zero
// fields; cmd/briefing's configuration defaults read them.
func DefaultOptions() Options {
	return Options{
		APIBaseURL:           discordAPI,
		ReplayWindow:         5 * time.Minute,
		RatePerMinute:        6,
		RateBurst:            3,
		ChannelRatePerMinute: 20,
		ChannelRateBurst:     10,
		MaxConcurrent:        8,
		MaxQuestionChars:     500,
		AnswerTimeout:        60 * time.Second,
		ThreadHistory:        6,
		StreamEditInterval:   time.Second,
		ShutdownTimeout:      10 * time.Second,
		ReloadTimeout:        10 * time.Minute,
		MaxUploadBytes:       8 << 20,
		DownloadTimeout:      30 * time.Second,
	}
}
