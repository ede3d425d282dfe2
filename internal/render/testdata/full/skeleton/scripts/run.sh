#!/bin/sh
echo {{ .name }}
