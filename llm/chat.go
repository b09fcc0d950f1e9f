package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/briefing/briefing"
)

// ChatRequest is one chat completion with per-call overrides of Config.
type ChatRequest struct {
	Messages []briefing.Message
	// MaxTokens overrides Config.MaxTokens when > 0 (a query rewrite needs
	// far fewer tokens than an answer).
	MaxTokens int
	// Temperature overrides Config.Temperature when non-nil.
	Temperature *float32
	// OnDelta, when set, makes the request stream: it is called with each
	// new fragment of text, from the calling goroutine.
	OnDelta func(delta string)
}

// Usage counts the tokens of a completion as the server reports them
// (zero when it does not).
type Usage struct {
	PromptTokens, CompletionTokens, TotalTokens int
}

// Completion is the result of Chat.
type Completion struct {
	Text string
	// FinishReason as the server sent it: "stop", "length", ….
	FinishReason string
	Usage        Usage
	// Attempts is the number of requests made, retries included.
	Attempts int
	// FirstDelta is the time from the start of the successful attempt to
	// its first streamed fragment (zero when not streaming).
	FirstDelta time.Duration
	// Duration of the successful attempt.
	Duration time.Duration
}

// Generate returns the whole completion of msgs (non-streaming). See Chat
// for the errors; on ErrLength the partial text is returned with the error.
func (c *Client) Generate(ctx context.Context, msgs []briefing.Message) (string, error) {
	comp, err := c.Chat(ctx, ChatRequest{Messages: msgs})
	return comp.Text, err
}

// GenerateLimited is Generate with at most maxTokens of completion; it makes
// *Client a briefing.LimitedGenerator, so short tasks such as query rewriting
// cannot run long.
func (c *Client) GenerateLimited(ctx context.Context, msgs []briefing.Message, maxTokens int) (string, error) {
	comp, err := c.Chat(ctx, ChatRequest{Messages: msgs, MaxTokens: maxTokens})
	return comp.Text, err
}

// Stream streams the completion of msgs, calling onDelta with each fragment,
// and returns the whole text. A stream cut short returns the partial text
// and an error wrapping ErrTruncated; once a fragment has been delivered no
// retry happens, so onDelta never sees text twice.
func (c *Client) Stream(ctx context.Context, msgs []briefing.Message, onDelta func(delta string)) (string, error) {
	if onDelta == nil {
		onDelta = func(string) {}
	}
	comp, err := c.Chat(ctx, ChatRequest{Messages: msgs, OnDelta: onDelta})
	return comp.Text, err
}

// Chat runs one chat completion with retries. Errors are *Error; they wrap
// ErrEmptyCompletion when the text is blank, ErrLength (text still returned)
// when the token limit cut it, ErrFiltered, ErrTruncated for a stream cut
// before its finish_reason, ErrMalformed for a body that is not OpenAI JSON,
// ErrTimeout when attempts ran past Config.Timeout, and ctx.Err() when ctx
// ended.
func (c *Client) Chat(ctx context.Context, req ChatRequest) (Completion, error) {
	if len(req.Messages) == 0 {
		return Completion{}, &Error{Op: "chat", Err: errors.New("no messages")}
	}
	op := "chat"
	if req.OnDelta != nil {
		op = "stream"
	}
	maxTokens := c.cfg.MaxTokens
	if req.MaxTokens > 0 {
		maxTokens = req.MaxTokens
	}
	// max_tokens, not OpenAI's newer max_completion_tokens: Ollama, vLLM
	// and llama.cpp understand only the former, and OpenAI still honours it
	// for chat models.
	oreq := openai.ChatCompletionRequest{
		Model:       c.cfg.Model,
		Messages:    make([]openai.ChatCompletionMessage, len(req.Messages)),
		Temperature: c.cfg.Temperature,
		MaxTokens:   maxTokens, //nolint:staticcheck // SA1019: compatible servers know only max_tokens
	}
	if req.Temperature != nil {
		oreq.Temperature = *req.Temperature
	}
	chars := 0
	for i, m := range req.Messages {
		oreq.Messages[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
		chars += len(m.Content)
	}
	if req.OnDelta != nil {
		oreq.Stream = true
		if !c.cfg.DisableStreamUsage {
			oreq.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
		}
	}
	c.log.Debug("llm request", "op", op, "model", c.cfg.Model, "messages", len(req.Messages), "chars", chars,
		"max_tokens", maxTokens)

	var comp Completion
	attempts := 0
	err := c.retryWith(ctx, op, oreq.Temperature == 0, func(ctx context.Context, att *attempt) error {
		attempts++
		comp = Completion{}
		start := time.Now()
		var err error
		if req.OnDelta != nil {
			err = c.streamOnce(ctx, att, oreq, req.OnDelta, start, &comp)
		} else {
			err = c.chatOnce(ctx, oreq, &comp)
		}
		comp.Duration = time.Since(start)
		return err
	})
	comp.Attempts = attempts
	if err != nil {
		return comp, err
	}
	if err := finishError(comp); err != nil {
		return comp, &Error{Op: op, Attempts: attempts, Err: err}
	}
	c.log.Debug("llm response", "op", op, "finish_reason", comp.FinishReason, "chars", len(comp.Text),
		"completion_tokens", comp.Usage.CompletionTokens, "attempts", attempts, "duration", comp.Duration)
	return comp, nil
}

// finishError turns a complete but unusable completion into an error. It is
// checked after retries on purpose: a model that hits the token limit or
// writes nothing will do so again.
func finishError(comp Completion) error {
	switch comp.FinishReason {
	case string(openai.FinishReasonLength):
		return fmt.Errorf("%w (%d chars kept)", ErrLength, len(comp.Text))
	case string(openai.FinishReasonContentFilter):
		return ErrFiltered
	}
	if strings.TrimSpace(comp.Text) == "" {
		return ErrEmptyCompletion
	}
	return nil
}

func (c *Client) chatOnce(ctx context.Context, oreq openai.ChatCompletionRequest, comp *Completion) error {
	resp, err := c.api.CreateChatCompletion(ctx, oreq)
	if err != nil {
		return err
	}
	if len(resp.Choices) == 0 {
		return fmt.Errorf("%w: no choices", ErrMalformed)
	}
	comp.Text = resp.Choices[0].Message.Content
	comp.FinishReason = string(resp.Choices[0].FinishReason)
	if len(comp.Text) > c.cfg.MaxReplyBytes {
		comp.Text = cutUTF8(comp.Text, c.cfg.MaxReplyBytes)
		comp.FinishReason = string(openai.FinishReasonLength)
	}
	comp.Usage = Usage{resp.Usage.PromptTokens, resp.Usage.CompletionTokens, resp.Usage.TotalTokens}
	return nil
}

// cutUTF8 returns s cut to at most n bytes, at a rune boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func (c *Client) streamOnce(ctx context.Context, att *attempt, oreq openai.ChatCompletionRequest,
	onDelta func(string), start time.Time, comp *Completion) error {
	stream, err := c.api.CreateChatCompletionStream(ctx, oreq)
	if err != nil {
		return err
	}
	defer stream.Close()
	var text strings.Builder
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			comp.Text = text.String()
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if comp.Text != "" {
				return fmt.Errorf("%w after %d chars: %w", ErrTruncated, len(comp.Text), clean(err))
			}
			return err
		}
		if chunk.Usage != nil {
			comp.Usage = Usage{chunk.Usage.PromptTokens, chunk.Usage.CompletionTokens, chunk.Usage.TotalTokens}
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			if d := ch.Delta.Content; d != "" {
				if text.Len() == 0 {
					comp.FirstDelta = time.Since(start)
				}
				att.markDelivered()
				if over := text.Len() + len(d) - c.cfg.MaxReplyBytes; over > 0 {
					// A server ignoring max_tokens: stop reading here.
					d = cutUTF8(d, len(d)-over)
					text.WriteString(d)
					if d != "" {
						onDelta(d)
					}
					comp.Text = text.String()
					comp.FinishReason = string(openai.FinishReasonLength)
					return nil
				}
				text.WriteString(d)
				onDelta(d)
			}
			if ch.FinishReason != "" {
				comp.FinishReason = string(ch.FinishReason)
			}
		}
	}
	comp.Text = text.String()
	// go-openai reports a closed connection and "data: [DONE]" alike as
	// io.EOF, so completeness is judged by the finish_reason every
	// compatible server sends in its last content chunk.
	if comp.FinishReason == "" {
		return fmt.Errorf("%w after %d chars: no finish_reason", ErrTruncated, len(comp.Text))
	}
	return nil
}
