# Stand-in for ament_cmake (these machines have no ROS 2): lets a test configure and install
# ros/sensorium_bringup with plain CMake and check what lands in the install space.
set(ament_cmake_FOUND TRUE)
macro(ament_package)
endmacro()
