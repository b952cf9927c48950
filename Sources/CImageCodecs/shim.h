#ifndef IMAGES_MOCK_CIMAGECODECS_SHIM_H
#define IMAGES_MOCK_CIMAGECODECS_SHIM_H
#include <png.h>
#include <turbojpeg.h>
#include <webp/encode.h>
#include <webp/decode.h>
#endif
