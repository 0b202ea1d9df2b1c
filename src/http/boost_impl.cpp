// The one translation unit that compiles Boost.Asio and Boost.Beast (separate compilation).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
