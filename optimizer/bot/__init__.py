"""Bot mode: find a repository's Dockerfiles, commit the fixes on a branch and open or update a pull request."""
