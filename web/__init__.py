"""The web pages (issue 7): plain HTML, ES modules and CSS, served by server/web.py.

A package only so that the files ship with the wheel (pyproject package data). The pages
talk to nothing but ``/graphql``; ``static/vendor/echarts.min.js`` is unpacked from the npm
registry's ``echarts`` package by ``make install`` (Makefile target ``web-vendor``), never
committed and never loaded from the internet.
"""
