# R driver: to come
