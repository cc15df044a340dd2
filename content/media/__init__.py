"""The media layer under the video and image services: storage, ffprobe, ffmpeg, Pillow, playback signing."""
